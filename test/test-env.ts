import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Where the per-run test database and Redis prefix are written by global setup and read by every test file. */
export const TEST_ENV_FILE = `${__dirname}/../node_modules/.cache/phananh-test-env.json`;
/**
 * The same, in the environment global setup hands to the test workers it starts: the file
 * is shared by every run in this work tree, so two overlapping runs would otherwise read
 * (and tear down) each other's database.
 */
export const TEST_ENV_VAR = 'PHANANH_TEST_ENV';

export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

export function newTestEnv(): TestEnv {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/phananh_test_${id}`;
  return {
    databaseUrl: url.toString(),
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: `phananh-test-${id}`,
  };
}

/** This run's environment: from the variable global setup set, else from the file (a lone test process). */
export function readTestEnv(): TestEnv {
  const own = process.env[TEST_ENV_VAR];
  return JSON.parse(own ?? readFileSync(TEST_ENV_FILE, 'utf8')) as TestEnv;
}
