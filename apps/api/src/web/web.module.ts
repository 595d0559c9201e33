import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance } from 'fastify';
import { dirname, join } from 'node:path';

/** apps/web/public, from the TypeScript sources (tests) and from dist/ alike: `swc --copy-files` copies it beside the code. */
export const WEB_ROOT = join(__dirname, '..', '..', '..', 'web', 'public');

/** chart.js's browser build, served from the installed package (same origin, no CDN, the version npm audits). */
export const CHARTJS_DIR = dirname(require.resolve('chart.js')); // …/chart.js/dist, beside chart.umd.min.js

/**
 * The files, in a plugin context of their own. @fastify/static answers a path it refuses (`..`,
 * `//`, a directory without an index, another spelling of a file's name) with a 403: here every
 * such client error is the app's problem+json 404 instead, as for any unknown path (nothing
 * tells a prober which files exist). A server error goes on to the app's own handler.
 */
async function webFiles(fastify: FastifyInstance): Promise<void> {
  fastify.setErrorHandler((error: FastifyError, _req, reply) => {
    if ((error.statusCode ?? 500) < 500) return reply.callNotFound();
    throw error;
  });
  await fastify.register(fastifyStatic, {
    root: CHARTJS_DIR,
    prefix: '/assets/vendor/chartjs/',
    index: false,
    dotfiles: 'ignore',
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply) => reply.header('Cache-Control', 'public, max-age=300'),
  });
  await fastify.register(fastifyStatic, {
    root: WEB_ROOT,
    extensions: ['html'],
    index: 'index.html',
    // `/official` → 301 `/official/`, as a directory was answered before.
    redirect: true,
    dotfiles: 'ignore',
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) =>
      // Pages change with each release and are tiny; always revalidate them (the ETag keeps it cheap).
      reply.header('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=300'),
  });
}

/**
 * The citizens', officials' and supervisors' pages: static files that use only the public HTTP API.
 * Registered in an init hook, which Nest runs after its own routes and before Fastify is ready (the
 * plugin loads then). An API route always wins over a file, since Fastify's router prefers any
 * route to the files' catch-all (`/*`); a path that is no file ends in the problem+json 404.
 */
@Module({})
export class WebModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    void this.host.httpAdapter.getInstance<FastifyInstance>().register(webFiles);
  }
}
