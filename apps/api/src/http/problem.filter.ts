import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, CommonErrors } from '@phananh/core';
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

/** Every error leaves the API as application/problem+json; a 500 carries an errorId that is also logged. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) return;

    if (exception instanceof AppError) return sendProblem(req, res, exception);
    const parsed = parserError(exception);
    if (parsed) return sendProblem(req, res, parsed);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const headers: Record<string, string> = {};
      if (status === 429) headers['Retry-After'] = String(retryAfterOf(exception) ?? 60);
      return sendProblem(req, res, new AppError(genericFor(status), undefined, [], headers));
    }
    if (isUnstorableText(exception)) return sendProblem(req, res, new AppError(CommonErrors.VALIDATION_FAILED));
    if (isUnavailable(exception)) {
      this.logger.warn({ err: exception }, 'dependency unavailable');
      return sendProblem(
        req,
        res,
        new AppError(CommonErrors.SERVICE_UNAVAILABLE, undefined, [], { 'Retry-After': '5' }),
      );
    }
    const errorId = newErrorId();
    this.logger.error({ err: exception, errorId }, 'unhandled error');
    sendProblem(req, res, new AppError(CommonErrors.INTERNAL), { errorId });
  }
}

function retryAfterOf(e: HttpException): number | undefined {
  const r = e.getResponse() as { retryAfter?: number } | string;
  return typeof r === 'object' ? r.retryAfter : undefined;
}
