import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppError, langFrom } from '@phananh/core';
import { classifyError } from '../http/problem.filter';
import { Format, sendGeoReport } from './georeport-format';

/** One entry of the specification's error list. */
export interface GeoReportError {
  code: number;
  description: string;
}

/** The error list of an AppError: one entry per bad field (`field: message`), else one with its detail or title. */
export function errorList(error: AppError, req: Request, errorId?: string): GeoReportError[] {
  const lang = langFrom(req.headers['accept-language']);
  const code = error.def.status;
  if (error.fieldErrors.length) {
    return error.fieldErrors.map((e) => ({
      code,
      description: e.field ? `${e.field}: ${e.message[lang]}` : e.message[lang],
    }));
  }
  const text = error.detail?.[lang] ?? error.def.title[lang];
  return [{ code, description: errorId ? `${text} (errorId ${errorId})` : text }];
}

/** The format a GeoReport URL asks for (`….xml`): XML only when asked, JSON otherwise (errors included). */
export function formatOf(req: Request): Format {
  const param = (req.params as Record<string, string> | undefined)?.format;
  return param === 'xml' || (!param && req.path.endsWith('.xml')) ? 'xml' : 'json';
}

function send(exception: unknown, req: Request, res: Response): void {
  const { error, errorId } = classifyError(exception);
  for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
  const list = errorList(error, req, errorId);
  sendGeoReport(res, formatOf(req), error.def.status, list, { root: 'errors', item: 'error' });
}

/**
 * Every error of a GeoReport route leaves as the specification's list of `{ code, description }`
 * (`<errors><error>…` in XML), with the HTTP status as `code`; the classification is the API's.
 */
@Catch()
export class GeoReportErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) return;
    send(exception, ctx.getRequest<Request>(), res);
  }
}

/** A request to a GeoReport route (its errors, the body parser's too, are GeoReport error lists). */
export const isGeoReport = (req: Request) => (req.originalUrl ?? req.url).startsWith('/open311/');

/** The same for errors of the body parser mounted on /open311 (a body too large, too many parameters). */
export function geoReportParserErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  send(err, req, res);
}
