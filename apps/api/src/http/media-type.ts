import type { IncomingHttpHeaders } from 'node:http';

/**
 * The request's media type (`type/subtype`, lower case, parameters dropped), or '' without one.
 * Read from the headers alone, so that it works on any HTTP adapter's request (Express's
 * `req.is` does not exist on Fastify's).
 */
export function mediaType(req: { headers: IncomingHttpHeaders }): string {
  const header = req.headers['content-type'];
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

export const isMultipart = (req: { headers: IncomingHttpHeaders }): boolean => mediaType(req).startsWith('multipart/');

/** application/json, or any application/*+json (as the JSON parser accepts). */
export function isJson(req: { headers: IncomingHttpHeaders }): boolean {
  const type = mediaType(req);
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
}
