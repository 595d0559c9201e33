import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerOptions } from 'pino';

/** Digit runs shaped like an identity number (9 or 12 digits) or a Vietnamese phone number. */
const PII_PATTERN = /(?<!\d)(?:\+?84|0)\d{9}(?!\d)|(?<!\d)\d{12}(?!\d)|(?<!\d)\d{9}(?!\d)/g;

/** Masks anything that looks like an identity or phone number in free text. */
export function scrubPii(text: string): string {
  return text.replace(PII_PATTERN, '[redacted]');
}

/** Keys whose values are secret wherever they appear in a log object. */
export const REDACTED_KEYS = [
  'password',
  'newPassword',
  'passwordHash',
  'accessToken',
  'token',
  'secret',
  'citizenId',
  'phone',
  'authorization',
  'cookie',
  'set-cookie',
  'idempotency-key',
];

const SECRET_KEYS = new Set(REDACTED_KEYS);

/** The response headers a request's log line keeps (never set-cookie). */
export const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'location', 'retry-after'] as const;
const CENSOR = '[redacted]';

/**
 * A copy of `value` with personal data removed, at any depth: values under a secret key
 * censored, number-shaped text masked. For log lines, and for anything else kept that an
 * official typed (an audit row's query).
 */
export function scrubPersonalData<T>(value: T): T {
  return scrubValue(value) as T;
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPii(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  // pino-http hands over the raw request and response on every line: their serializers pick the
  // few fields logged (the URL scrubbed). Copying their whole object graph here was the most
  // expensive step of a filing.
  if (value instanceof IncomingMessage || value instanceof ServerResponse) return value;
  if (value instanceof Error) {
    const copy = new Error(scrubPii(value.message));
    copy.name = value.name;
    copy.stack = value.stack ? scrubPii(value.stack) : undefined;
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? CENSOR : scrubValue(v, depth + 1);
  return out;
}

/**
 * pino options shared by the API and the worker: JSON lines, a request id, and
 * personal data removed twice over (known keys redacted, number-shaped strings masked).
 */
export function loggerOptions(level: string): LoggerOptions {
  // Secret keys are censored, at any depth, in the same walk that masks number-shaped text:
  // pino's wildcard redaction of the same keys cost about 80 µs a line, a tenth of a filing's CPU.
  return {
    level,
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => scrubValue(a)) as Parameters<typeof method>);
      },
    },
    serializers: {
      req(req: { id: unknown; method: string; url: string }) {
        return { id: req.id, method: req.method, url: scrubPii(req.url) };
      },
      // Response headers are serialized after the scrub above: a session cookie must not reach the log.
      res(res: { statusCode: number; headers?: Record<string, unknown> }) {
        // A few headers, not all: helmet's dozen (the CSP alone ~400 bytes) are the same on every
        // answer, and copying and writing them was most of each request line (docs/performance.md).
        const headers: Record<string, unknown> = {};
        const all = res.headers;
        if (all) for (const k of LOGGED_RESPONSE_HEADERS) if (all[k] !== undefined) headers[k] = all[k];
        return { statusCode: res.statusCode, headers };
      },
    },
  };
}

/** Use the caller's X-Request-Id when it is sane, else a new one. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}
