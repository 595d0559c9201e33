import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from '@phananh/core';
import { isGeoReport, sendGeoReportError } from '../open311/georeport-errors';
import { genericFor, newErrorId, parserError, sendProblem } from './problem';

/** Connection-level failures of PostgreSQL or Redis: the client should retry, not give up. */
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003'].includes(e?.code ?? '') ||
    /Connection terminated|timeout exceeded when trying to connect|Connection is closed/i.test(e?.message ?? '')
  );
}

/**
 * PostgreSQL refusing a character of the input (U+0000 in text, 22021; untranslatable, 22P05):
 * the pipes reject such input first, but whatever slips past them is still the client's 400.
 */
function isUnstorableText(err: unknown): boolean {
  return ['22021', '22P05'].includes((err as { code?: string })?.code ?? '');
}

/** An exception as the error the client gets, and the errorId of a 500 (which is also logged). */
export interface ClassifiedError {
  error: AppError;
  errorId?: string;
}

const logger = new Logger('Problem');

/**
 * What any exception means for the client: AppErrors as they are, parser and Nest errors by
 * their status, PostgreSQL refusing a character as a 400, a lost dependency as 503 with
 * Retry-After, anything else a 500 whose errorId is logged. Shared by every error format
 * (problem+json here, the GeoReport error list of /open311).
 */
export function classifyError(exception: unknown): ClassifiedError {
  if (exception instanceof AppError) return { error: exception };
  const parsed = parserError(exception);
  if (parsed) return { error: parsed };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const headers: Record<string, string> = {};
    if (status === 429) headers['Retry-After'] = String(retryAfterOf(exception) ?? 60);
    return { error: new AppError(genericFor(status), undefined, [], headers) };
  }
  if (isUnstorableText(exception)) return { error: new AppError(CommonErrors.VALIDATION_FAILED) };
  if (isUnavailable(exception)) {
    logger.warn({ err: exception }, 'dependency unavailable');
    return { error: new AppError(CommonErrors.SERVICE_UNAVAILABLE, undefined, [], { 'Retry-After': '5' }) };
  }
  const errorId = newErrorId();
  logger.error({ err: exception, errorId }, 'unhandled error');
  return { error: new AppError(CommonErrors.INTERNAL), errorId };
}

/** Answers any exception as the API's problem+json (classifyError), a 500 with its logged errorId. */
export function sendException(exception: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const { error, errorId } = classifyError(exception);
  sendProblem(req, reply, error, errorId ? { errorId } : {});
}

/**
 * Every error leaves the API as application/problem+json; a 500 carries an errorId that is also
 * logged. A body parser's error on a GeoReport route (it comes here, before any route's own filter)
 * leaves as that route's error list.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    if (reply.sent) return;
    if (isGeoReport(req) && parserError(exception)) return sendGeoReportError(exception, req, reply);
    sendException(exception, req, reply);
  }
}

function retryAfterOf(e: HttpException): number | undefined {
  const r = e.getResponse() as { retryAfter?: number } | string;
  return typeof r === 'object' ? r.retryAfter : undefined;
}
