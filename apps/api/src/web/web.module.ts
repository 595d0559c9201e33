import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { join } from 'node:path';

/** apps/web/public, from the TypeScript sources (tests) and from dist/ alike: `swc --copy-files` copies it beside the code. */
export const WEB_ROOT = join(__dirname, '..', '..', '..', 'web', 'public');

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
