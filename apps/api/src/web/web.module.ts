import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { dirname, join } from 'node:path';

/** apps/web/public, from the TypeScript sources (tests) and from dist/ alike: `swc --copy-files` copies it beside the code. */
export const WEB_ROOT = join(__dirname, '..', '..', '..', 'web', 'public');

/** chart.js's browser build, served from the installed package (same origin, no CDN, the version npm audits). */
export const CHARTJS_DIR = dirname(require.resolve('chart.js')); // …/chart.js/dist, beside chart.umd.min.js

/**
 * The citizens', officials' and supervisors' pages: static files that use only the public HTTP API.
 * Mounted in an init hook, which Nest runs after it has registered every controller, so an API route
 * always wins over a file and unknown paths still end in the problem+json 404.
 */
@Module({})
export class WebModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    this.host.httpAdapter.use(
      '/assets/vendor/chartjs',
      express.static(CHARTJS_DIR, {
        index: false,
        setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=300'),
      }),
    );
    this.host.httpAdapter.use(
      express.static(WEB_ROOT, {
        extensions: ['html'],
        index: 'index.html',
        setHeaders: (res, path) => {
          // Pages change with each release and are tiny; always revalidate them (the ETag keeps it cheap).
          res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=300');
        },
      }),
    );
  }
}
