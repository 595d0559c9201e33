import { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import IORedis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, FakeClock, loadConfig } from '@phananh/core';
import { PlatformOptions } from '@phananh/platform';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { RouteTableModule } from './route-table';
import { createWorker } from '../../apps/worker/src/create-worker';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { IsolatedEnv, isolatedEnv } from './test-database';
import { LogCapture } from './log-capture';

export interface TestAppOptions {
  /** Also run the job worker in the same process (default true). */
  worker?: boolean;
  /** The clock; a FakeClock at 2021-11-03T08:00+07:00 by default. */
  clock?: Clock;
  /** Extra environment variables (validated like the real ones). */
  env?: Record<string, string>;
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  db: DataSource;
  clock: Clock;
  config: AppConfig;
  env: IsolatedEnv;
  logs: LogCapture;
  /** A Redis connection for assertions (and faults) on this app's keys. */
  redis: IORedis;
  close(): Promise<void>;
}

export function testConfig(env: IsolatedEnv, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    LOG_LEVEL: 'info',
    SLA_SWEEP_INTERVAL_MS: '100',
    ...extra,
  });
}

/**
 * The HTTP app initialised and ready to take requests through `app.getHttpServer()` without
 * listening (Fastify adds its routes to the server only once ready; `listen` would do it), with
 * its route table recorded (route-table.ts).
 */
export async function startApiApp(options: PlatformOptions, extra: DynamicModule[] = []): Promise<INestApplication> {
  const app = await createApiApp(options, [...extra, { module: RouteTableModule }]);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The whole HTTP app (and by default the worker) on an isolated database and Redis prefix. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env = await isolatedEnv();
  const config = testConfig(env, options.env);
  const clock = options.clock ?? new FakeClock();
  const logs = new LogCapture();
  const app = await startApiApp(
    { config, clock, logStream: logs },
    options.worker === false ? [] : [WorkerModule.forRoot()],
  );
  // The app's own Redis: the run's shared server unless the test gave the app another (a private one to fault).
  const redis = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get<DataSource>(getDataSourceToken()),
    clock,
    config,
    env,
    logs,
    redis,
    async close() {
      await app.close();
      redis.disconnect();
      await env.drop();
    },
  };
}

/** A worker alone (no HTTP) on an existing test app's database and Redis prefix. */
export async function createTestWorker(of: TestApp, clock: Clock = of.clock): Promise<INestApplicationContext> {
  const worker = await createWorker({ config: of.config, clock, logStream: of.logs });
  await worker.init();
  return worker;
}

/**
 * Polls `check` until it returns a truthy value (real time; for the worker's asynchronous effects).
 * The default wait is long because it costs nothing when the condition comes true, and a run
 * shares two cores with other test files (load averages of 15 are common): only a condition that
 * never comes true waits it out.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  stepMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** supertest's parser for a binary body (a file download): the bytes as one Buffer. */
export function binaryBody(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
