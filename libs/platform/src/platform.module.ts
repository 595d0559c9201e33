import { DynamicModule, Module } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, Clock, ClockModule, CoreConfigModule, PiiModule, loggerOptions } from '@phananh/core';
import { DatabaseModule } from '@phananh/database';
import { QueueModule } from '@phananh/queue';
import { RedisModule } from '@phananh/redis';
import { ReferenceModule } from '@phananh/reference';
import { ShutdownState } from './shutdown-state';

export interface PlatformOptions {
  config: AppConfig;
  /** Replaces the system clock (tests). */
  clock?: Clock;
  /** Where log lines go instead of stdout (tests capture them to search for personal data). */
  logStream?: Writable;
}

/**
 * The shared infrastructure every process needs: configuration, the one clock, the
 * PII key, logging, PostgreSQL, Redis, the queues and the reference data.
 */
@Module({})
export class PlatformModule {
  static forRoot({ config, clock, logStream }: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [
        CoreConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        PiiModule,
        LoggerModule.forRoot({
          // Every route (nestjs-pino's default, '{/*splat}', matches nothing on Fastify). The request's
          // id is Fastify's (createApiApp: the caller's X-Request-Id when sane), which pino-http keeps.
          forRoutes: ['*'],
          pinoHttp: [
            {
              ...loggerOptions(config.LOG_LEVEL),
              autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
            },
            logStream ?? process.stdout,
          ],
        }),
        DatabaseModule,
        RedisModule,
        QueueModule,
        ReferenceModule,
      ],
      providers: [ShutdownState],
      exports: [ShutdownState],
    };
  }
}
