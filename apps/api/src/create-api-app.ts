import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from '@fastify/helmet';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppError, CommonErrors, requestId } from '@phananh/core';
import { PlatformOptions } from '@phananh/platform';
import { ApiModule } from './api.module';
import { BODY_LIMIT_BYTES, registerBodyParsers } from './http/body-parsers';
import { genericFor, sendProblem } from './http/problem';
import { registerUploads } from './http/uploads';
import { registerHttpMetrics } from './ops/http-metrics';
import { MetricsService } from './ops/metrics.service';

/**
 * Builds the HTTP application (not yet listening): the same for `npm start`, start:api and the tests.
 * Nest on Fastify (docs/performance.md, "Express or Fastify": a third less Node CPU per filing),
 * routing as Express did (a trailing slash and letter case ignored).
 */
export async function createApiApp(
  options: PlatformOptions,
  extra: DynamicModule[] = [],
): Promise<NestFastifyApplication> {
  const { config } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyValue(config.TRUST_PROXY),
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    // The caller's X-Request-Id when sane, else a new one: the request log's id, answered in X-Request-Id.
    genReqId: requestId,
    // While shutting down, a request on a connection already accepted is served, not refused with
    // Fastify's own 503: boot() drains readiness first, then closes the listener (RELIABILITY.md).
    return503OnClosing: false,
    // The router's own refusals, before any hook: a URL that does not decode is a path nobody serves
    // (404, as on Express), an over-long path parameter the client's error; problem+json either way.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) =>
      sendProblem(
        req,
        reply,
        new AppError(error.code === 'FST_ERR_BAD_URL' ? CommonErrors.NOT_FOUND : genericFor(error.statusCode ?? 400)),
      ),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(options, extra), adapter, {
    bodyParser: false,
    bufferLogs: true,
    // A failure to start is thrown to boot(), which logs it and exits, rather than Nest exiting here.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(helmet, { contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'] } } });
  const origins = (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false, credentials: false, maxAge: 600 });
  // API answers carry personal data or one official's view: no browser or shared cache may keep them
  // (a route that may be cached says so with its own Cache-Control).
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('X-Request-Id', req.id);
    if (req.url.startsWith('/api/')) void reply.header('Cache-Control', 'no-store');
    done();
  });
  registerBodyParsers(fastify);
  await registerUploads(app);
  registerHttpMetrics(fastify, app.get(MetricsService));
  setupOpenApi(app);
  return app;
}

/**
 * TRUST_PROXY as Fastify's trustProxy takes it (loadConfig has checked it, and refused `true` in
 * production). A hop count trusts that many proxies nearest the service, as Express did: Fastify
 * would take a number but then trust no hop at all, since a count cannot tell a proxy from a client
 * that sends X-Forwarded-For itself (docs/api.md, "Configuration", advises naming the proxies).
 */
function trustProxyValue(value: string | undefined): boolean | string | ((address: string, hop: number) => boolean) {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value
    .split(',')
    .map((entry) => entry.trim())
    .join(',');
}

function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('phananh')
      .setDescription(
        "Citizens' reports of missing or wrong COVID-19 vaccination records: intake, routing, the officials' queue and the 48-hour deadline. " +
          'Every error is application/problem+json (RFC 9457); messages are Vietnamese unless `Accept-Language: en`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
