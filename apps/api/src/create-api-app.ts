import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { PlatformOptions } from '@phananh/platform';
import { ApiModule } from './api.module';
import { parserError, sendProblem } from './http/problem';
import { geoReportParserErrors, isGeoReport } from './open311/georeport-errors';

/** Limit on JSON bodies (docs/api.md, "Errors": over 100 kB is 413). */
export const JSON_LIMIT = '100kb';

/** Builds the HTTP application (not yet listening): the same for `npm start`, start:api and the tests. */
export async function createApiApp(options: PlatformOptions, extra: DynamicModule[] = []): Promise<INestApplication> {
  const { config } = options;
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options, extra), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxyValue(config.TRUST_PROXY));
  app.disable('x-powered-by');
  // No ETag: Express would hash every JSON body (a 50-ticket page is ~50 kB) for a header no client here uses.
  app.set('etag', false);
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'] } } }));
  const origins = (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false, credentials: false, maxAge: 600 });
  // API answers carry personal data or one official's view: no browser or shared cache may keep them
  // (a route that may be cached says so with its own Cache-Control).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(express.json({ limit: JSON_LIMIT, type: ['application/json', 'application/*+json'] }));
  // Open311 GeoReport v2 posts form fields (nowhere else takes them); `attribute[code]` keys stay flat.
  app.use(
    express.urlencoded({
      extended: false,
      limit: JSON_LIMIT,
      parameterLimit: 100,
      type: (req) => isGeoReport(req as Request) && !!(req as Request).is('application/x-www-form-urlencoded'),
    }),
  );
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (isGeoReport(req)) return geoReportParserErrors(err, req, res, next);
    const problem = parserError(err);
    if (problem) return sendProblem(req, res, problem);
    next(err);
  });
  setupOpenApi(app);
  return app;
}

/** TRUST_PROXY as Express takes it (loadConfig has checked it, and refused `true` in production). */
function trustProxyValue(value: string): string | number | boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((entry) => entry.trim())
    .join(',');
}

function setupOpenApi(app: INestApplication): void {
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
