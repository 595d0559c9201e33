import type { INestApplication } from '@nestjs/common';
import { RouteEntry, RouteTable } from '../../support/route-table';

/** Routes that Fastify adds on its own (HEAD for each GET), and a plugin's catch-all of files. */
const isImplicit = (e: RouteEntry) => e.method === 'HEAD' || e.url.endsWith('*');

/** Every METHOD + path of the application's own routes, path parameters written `{name}`. */
export function servedRoutes(app: INestApplication): string[] {
  const routes = new Set<string>();
  for (const e of app.get(RouteTable).entries) {
    if (e.prefix || isImplicit(e)) continue;
    routes.add(`${e.method} ${e.url.replace(/:(\w+)/g, '{$1}')}`);
  }
  return [...routes].sort();
}

/**
 * Path prefixes under which a plugin serves a whole sub-application (static files, a dashboard):
 * requests there never reach a route of the table above, so each needs its own access test.
 * A plugin's routes under its prefix, and a catch-all of files (`/docs/*`), count; the pages'
 * catch-all at the root (`/*`, apps/web/public) does not: they are public files.
 */
export function mountedPrefixes(app: INestApplication): string[] {
  const prefixes = app.get(RouteTable).entries.map((e) => e.prefix || (e.url.endsWith('/*') ? e.url.slice(0, -2) : ''));
  return [...new Set(prefixes.filter(Boolean))].sort();
}

/** Served routes without a matrix entry, and entries for routes nobody serves. */
export function matrixGaps(routes: string[], matrix: Record<string, unknown>): { missing: string[]; stale: string[] } {
  return {
    missing: routes.filter((r) => !(r in matrix)),
    stale: Object.keys(matrix).filter((r) => !routes.includes(r)),
  };
}
