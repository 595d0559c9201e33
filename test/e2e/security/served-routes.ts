import type { INestApplication } from '@nestjs/common';

/** Middleware Nest mounts on every path (`forRoutes('*')`), not endpoints. */
const MIDDLEWARE_ROUTES = new Set(['{/*splat}', '*', '/*']);
/** Mount points of middleware that runs for every request (helmet, body parsers, global middleware). */
const EVERY_PATH = new Set(['/', '/{*path}', ...MIDDLEWARE_ROUTES]);

interface ExpressLayer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
}

function layers(app: INestApplication): ExpressLayer[] {
  const express = app.getHttpAdapter().getInstance();
  return (express.router ?? express._router).stack;
}

/** Every METHOD + path the app's Express router serves, path parameters written `{name}`. */
export function servedRoutes(app: INestApplication): string[] {
  const routes = new Set<string>();
  for (const layer of layers(app)) {
    if (!layer.route || MIDDLEWARE_ROUTES.has(layer.route.path)) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return [...routes].sort();
}

/**
 * Path prefixes under which middleware serves a whole sub-application (static files, a
 * dashboard): requests there never reach a route of the table above, so each needs its own
 * access test.
 */
export function mountedPrefixes(app: INestApplication): string[] {
  const prefixes = layers(app)
    .filter((l) => !l.route && l.rawPath !== undefined && !EVERY_PATH.has(l.rawPath))
    .map((l) => l.rawPath!);
  return [...new Set(prefixes)].sort();
}

/** Served routes without a matrix entry, and entries for routes nobody serves. */
export function matrixGaps(routes: string[], matrix: Record<string, unknown>): { missing: string[]; stale: string[] } {
  return {
    missing: routes.filter((r) => !(r in matrix)),
    stale: Object.keys(matrix).filter((r) => !routes.includes(r)),
  };
}
