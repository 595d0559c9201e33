import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'node:querystring';
import { isGeoReport } from '../open311/georeport-errors';

/** Limit on JSON and form bodies (docs/api.md, "Errors": over 100 kB is 413). */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** Form fields a GeoReport request may carry (its attributes included); more is 413. */
const FORM_PARAMETER_LIMIT = 100;

/**
 * An error of a body parser, shaped as body-parser's were (`type`), so that `parserError`
 * (http/problem.ts) gives the same problem, and a GeoReport route its error list, as before.
 */
class BodyParserError extends Error {
  constructor(
    readonly type: 'entity.parse.failed' | 'parameters.too.many' | 'charset.unsupported' | 'encoding.unsupported',
  ) {
    super(type);
  }
}

/**
 * A charset other than UTF-8 (none means UTF-8), or a compressed body, is refused (415): JSON and
 * form bodies are small, and a client that compresses them is sent the reason rather than a parse error.
 */
function encodingError(req: FastifyRequest): BodyParserError | undefined {
  const coding = req.headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity') return new BodyParserError('encoding.unsupported');
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  return charset && charset !== 'utf-8' && charset !== 'utf8' ? new BodyParserError('charset.unsupported') : undefined;
}

/**
 * The API's body parsers, in place of Fastify's defaults:
 * - `application/json` and `application/*+json`: an object or array (strict, as body-parser was);
 *   an empty body is `{}`; at most BODY_LIMIT_BYTES (the adapter's bodyLimit, 413 above).
 * - `application/x-www-form-urlencoded`: only on /open311/ (GeoReport v2 posts forms; nothing else
 *   takes them), flat keys (`attribute[code]` stays one key), at most 100 fields.
 * - any other type (multipart excepted, which @fastify/multipart parses): the body is left unread,
 *   `request.body` undefined, the stream at `request.raw` for a route that reads it itself (the
 *   officials' CSV import); a JSON route then answers its own validation error, as on Express.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const json = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const refused = encodingError(req);
    if (refused) return done(refused, undefined);
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    if (text[0] !== '{' && text[0] !== '[') return done(new BodyParserError('entity.parse.failed'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new BodyParserError('entity.parse.failed'), undefined);
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, json);
  fastify.addContentTypeParser(/^application\/[^/;\s]+\+json$/, { parseAs: 'string' }, json);
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    if (!isGeoReport(req)) return done(null, undefined);
    const refused = encodingError(req);
    if (refused) return done(refused, undefined);
    const text = body as string;
    if (text.split('&').length > FORM_PARAMETER_LIMIT)
      return done(new BodyParserError('parameters.too.many'), undefined);
    done(null, text ? { ...parseForm(text) } : {});
  });
  fastify.addContentTypeParser(
    '*',
    (_req: FastifyRequest, _payload: unknown, done: (err: null, body: undefined) => void) => done(null, undefined),
  );
}
