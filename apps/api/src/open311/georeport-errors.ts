import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, langFrom } from '@phananh/core';
import { classifyError } from '../http/problem.filter';
import { Format, sendGeoReport } from './georeport-format';

/** One entry of the specification's error list. */
export interface GeoReportError {
  code: number;
  description: string;
}

/** The error list of an AppError: one entry per bad field (`field: message`), else one with its detail or title. */
export function errorList(error: AppError, req: FastifyRequest, errorId?: string): GeoReportError[] {
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
export function formatOf(req: FastifyRequest): Format {
  const param = (req.params as Record<string, string> | undefined)?.format;
  return param === 'xml' || (!param && pathOf(req).endsWith('.xml')) ? 'xml' : 'json';
}

/** The request's path, without its query. */
const pathOf = (req: FastifyRequest) => req.url.split('?', 1)[0];

/**
 * Answers an exception as the specification's error list, in the URL's format. Also used by
 * ProblemFilter for the body parsers' errors on a GeoReport path (a body too large, too many
 * parameters, a malformed form): they come before the route, so its filter never sees them.
 */
export function sendGeoReportError(exception: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const { error, errorId } = classifyError(exception);
  reply.headers(error.headers);
  const list = errorList(error, req, errorId);
  sendGeoReport(reply, formatOf(req), error.def.status, list, { root: 'errors', item: 'error' });
}

/**
 * Every error of a GeoReport route leaves as the specification's list of `{ code, description }`
 * (`<errors><error>…` in XML), with the HTTP status as `code`; the classification is the API's.
 */
@Catch()
export class GeoReportErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) return;
    sendGeoReportError(exception, ctx.getRequest<FastifyRequest>(), reply);
  }
}

/** A request to a GeoReport route (its errors, the body parser's too, are GeoReport error lists). */
export const isGeoReport = (req: FastifyRequest) => req.url.startsWith('/open311/');
