import { Injectable, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
  /** The prefix of the plugin that added the route ('' for the application's own routes). */
  prefix: string;
}

/**
 * Every route Fastify is given, as it is given (an `onRoute` hook, installed when the app's modules
 * are built, before Nest or any plugin adds a route). startApiApp adds it to every test app, for
 * the endpoint matrix (test/e2e/security/served-routes.ts).
 */
@Injectable()
export class RouteTable {
  readonly entries: RouteEntry[] = [];

  constructor(host: HttpAdapterHost) {
    host.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.entries.push({ method, url: route.url, prefix: route.prefix });
    });
  }
}

@Module({ providers: [RouteTable] })
export class RouteTableModule {}
