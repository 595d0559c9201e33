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

/** µs per "request completed" line, as pino-http writes one per request (a child with the request, the raw response). */
function perLine(options: LoggerOptions, lines: number): number {
  const logger = pino(options, pino.destination({ dest: '/dev/null', sync: true }));
  const req = new IncomingMessage(new Socket());
  Object.assign(req, { method: 'POST', url: '/api/v1/reports', headers: { 'content-type': 'application/json' } });
  const res = new ServerResponse(req);
  res.statusCode = 201;
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
        beforeUsPerLine: perLine(BEFORE, lines),
        afterUsPerLine: perLine(loggerOptions('info'), lines),
      }),
    );
  }
}
