import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import pino, { LoggerOptions } from 'pino';
import { REDACTED_KEYS, loggerOptions, scrubPii } from '@phananh/core';
import { round } from './stats';

/**
 * The logger as it was before the profile (commit 180a9e8): the hook deep-copied every
 * argument, the raw ServerResponse of pino-http's line included, and pino redacted the
 * secret keys by wildcard paths.
 */
function scrubBefore(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPii(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubBefore(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubBefore(v, depth + 1);
  return out;
}
const BEFORE: LoggerOptions = {
  level: 'info',
  redact: {
    paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]),
    censor: '[redacted]',
  },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((a) => scrubBefore(a)) as Parameters<typeof method>);
    },
  },
};

/** The response serializer before issue 17: every response header copied into the line. */
const ALL_HEADERS: LoggerOptions = {
  ...loggerOptions('info'),
  serializers: {
    ...loggerOptions('info').serializers,
    res(res: { statusCode: number; headers?: Record<string, unknown> }) {
      const headers = { ...res.headers };
      if (headers['set-cookie'] !== undefined) headers['set-cookie'] = '[redacted]';
      return { statusCode: res.statusCode, headers };
    },
  },
};

/** A 201's headers as the API sends them (helmet, no-store, the request id), as pino-http hands them to the serializer. */
const RESPONSE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'cache-control': 'no-store',
  'x-request-id': '03e4555b-428a-40c5-93d7-0f153553f562',
  'content-type': 'application/json; charset=utf-8',
  'content-length': '96',
};

/** µs per "request completed" line, as pino-http writes one per request (a child with the request, the response). */
function perLine(options: LoggerOptions, lines: number, withHeaders = false): number {
  // With headers, as pino-http does: the custom serializer gets pino's standard form of the response (status, headers).
  const wrapped = withHeaders
    ? {
        ...options,
        serializers: {
          ...options.serializers,
          res: pino.stdSerializers.wrapResponseSerializer(options.serializers!.res as never),
        },
      }
    : options;
  const logger = pino(wrapped, pino.destination({ dest: '/dev/null', sync: true }));
  const req = new IncomingMessage(new Socket());
  Object.assign(req, { method: 'POST', url: '/api/v1/reports', headers: { 'content-type': 'application/json' } });
  const res = new ServerResponse(req);
  res.statusCode = 201;
  if (withHeaders) for (const [k, v] of Object.entries(RESPONSE_HEADERS)) res.setHeader(k, v);
  const started = performance.now();
  for (let i = 0; i < lines; i++) {
    const child = logger.child({ req: { id: `r${i}`, method: 'POST', url: '/api/v1/reports' } });
    child.info({ res, responseTime: 12 }, 'request completed');
  }
  return round(((performance.now() - started) * 1000) / lines, 1);
}

if (require.main === module) {
  const lines = Number(process.argv[2] ?? 20_000);
  for (let round = 0; round < 3; round++) {
    console.log(
      JSON.stringify({
        round,
        // The first session's before and after (commit 180a9e8), on the raw response as pino hands it.
        beforeUsPerLine: perLine(BEFORE, lines),
        afterUsPerLine: perLine(loggerOptions('info'), lines),
        // Issue 17: the line with the response's real headers, all of them copied, then the few kept.
        allHeadersUsPerLine: perLine(ALL_HEADERS, lines, true),
        fewHeadersUsPerLine: perLine(loggerOptions('info'), lines, true),
      }),
    );
  }
}
