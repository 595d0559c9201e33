import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Where every log line of the run is kept (test apps and spawned services), for the personal-data scan. */
  logDir: string;
}

/**
 * The variable through which global setup hands this run's database and Redis prefix to
 * every test worker (workers are child processes started after setup, so they inherit it).
 * An environment variable, not a file, so that overlapping runs never read each other's.
 */
export const TEST_ENV_VAR = 'PHANANH_TEST_RUN';

export function newTestEnv(): TestEnv {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/phananh_test_${id}`;
  return {
    databaseUrl: url.toString(),
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: `phananh-test-${id}`,
    logDir: join(tmpdir(), 'phananh-test-logs', id),
  };
}

export function currentTestEnv(): TestEnv {
  const raw = process.env[TEST_ENV_VAR];
  if (!raw) throw new Error(`${TEST_ENV_VAR} is not set: run the tests through jest (test/global-setup.ts)`);
  return JSON.parse(raw) as TestEnv;
}
