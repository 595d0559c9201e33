import { randomBytes } from 'node:crypto';

/** Where the per-run test database and Redis prefix are written by global setup and read by every test file. */
export const TEST_ENV_FILE = `${__dirname}/../node_modules/.cache/phananh-test-env.json`;

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
