import 'reflect-metadata';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { PlatformOptions, boot } from '@phananh/platform';
import { ApiModule } from '../apps/api/src/api.module';

/**
 * The adapter A/B's other side (bench/ab-adapter.ts): the same ApiModule — the same controllers,
 * guards, pipes, filters, interceptors, middleware and pino-http — served by Nest's Fastify adapter
 * with the global setup of createApiApp in Fastify's terms (helmet, CORS, no-store on /api/, a 100 kB
 * JSON limit, no ETag, no x-powered-by). Enough for the two routes the A/B measures (a JSON filing and
 * the officials' queue page), not a port of the service: file uploads, problem+json for parser errors,
 * the static pages and the queues dashboard stay Express's (docs/performance.md, "Express or Fastify").
 */
async function serve(options: PlatformOptions) {
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(options),
    new FastifyAdapter({ bodyLimit: 100 * 1024 }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'] } },
  });
  app.enableCors({ origin: false, credentials: false, maxAge: 600 });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) => {
      if (req.url.startsWith('/api/')) void reply.header('Cache-Control', 'no-store');
      done();
    });
  await app.listen(options.config.PORT, '127.0.0.1');
  return app;
}

void boot(serve);
