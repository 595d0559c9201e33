import { lang, t } from './i18n.js';

/** A failed call: the HTTP status and the service's problem+json body (RFC 9457). */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.fieldErrors = Array.isArray(problem?.errors) ? problem.errors : [];
    this.retryAfter = headers?.get('Retry-After') ?? null;
  }

  /** What to show the user: the server's own words (already in the chosen language). */
  get userMessage() {
    if (this.status === 0) return t('err.network');
    return this.problem.title || t('err.generic');
  }
}

/**
 * Calls the public API. `body` is sent as JSON, `form` (FormData) as multipart. Accept-Language follows the
 * page's language so that the server's messages come in the same language. Resolves to the parsed JSON, or
 * to the Response itself for other content (files, CSV).
 */
export async function api(path, { method = 'GET', body, form, token, headers = {}, raw = false } = {}) {
  const h = { 'Accept-Language': lang() === 'en' ? 'en' : 'vi', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: payload, cache: 'no-store' });
  } catch {
    throw new ApiError(0, { title: t('err.network') });
  }
  if (!res.ok) {
    let problem;
    try {
      problem = await res.json();
    } catch {
      problem = { title: t('err.generic'), status: res.status };
    }
    throw new ApiError(res.status, problem, res.headers);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') ?? '';
  return type.includes('json') ? res.json() : res;
}

/** A random Idempotency-Key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
