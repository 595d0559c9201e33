import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { AppError, CommonErrors, ErrorDef, FieldError, Lang, langFrom } from '@phananh/core';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { field: string; code: string; message: string }[];
  errorId?: string;
}

export const problemType = (code: string) => `urn:phananh:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/** RFC 9457 body for an AppError, in the client's language. */
export function toProblem(error: AppError, lang: Lang): ProblemBody {
  const body: ProblemBody = {
    type: problemType(error.def.code),
    title: error.def.title[lang],
    status: error.def.status,
    detail: error.detail?.[lang] ?? error.def.title[lang],
  };
  if (error.fieldErrors.length) {
    body.errors = error.fieldErrors.map((e: FieldError) => ({
      field: e.field,
      code: e.code,
      message: e.message[lang],
    }));
    body.detail = body.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  }
  return body;
}

export function sendProblem(
  req: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  extra: Partial<ProblemBody> = {},
): void {
  const body = { ...toProblem(error, langFrom(req.headers['accept-language'])), ...extra };
  void reply.headers(error.headers).code(body.status).type('application/problem+json').send(JSON.stringify(body));
}

/**
 * Errors of the body parsers (http/body-parsers.ts, body-parser's `type` names) and of Fastify's
 * request handling before a route runs (`FST_…` with a 4xx status: a body over the limit, a bad
 * Content-Length, a media type no parser takes), in problem form; undefined when not one of them.
 */
export function parserError(err: unknown): AppError | undefined {
  const e = err as { type?: string; statusCode?: number; code?: string };
  if (e?.code?.startsWith('FST_') && e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return new AppError(genericFor(e.statusCode));
  if (e?.type === 'parameters.too.many') return new AppError(CommonErrors.PAYLOAD_TOO_LARGE);
  if (e?.type === 'entity.parse.failed') return new AppError(CommonErrors.MALFORMED_JSON);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE);
  return undefined;
}

/** HTTP status → the generic error of that status (for Nest's built-in exceptions). */
export function genericFor(status: number): ErrorDef {
  const hit = Object.values(CommonErrors).find((d) => d.status === status);
  return hit ?? (status >= 500 ? CommonErrors.INTERNAL : CommonErrors.VALIDATION_FAILED);
}

/**
 * 128 random bits as 32 letters (hex with its digits spelled a–p): an id with digits could
 * hold a run that the log's personal-data mask takes for a phone or identity number, and the
 * id would then be missing from the log line it is meant to find.
 */
export const newErrorId = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
