import { readFileSync, rmSync } from 'node:fs';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { TEST_ENV_FILE, readTestEnv } from './test-env';

/** Drops this run's database and deletes its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const env = readTestEnv();
  const admin = new URL(env.databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  const redis = new IORedis(env.redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.redisPrefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  // Another run may have started meanwhile and written its own environment there.
  const current = (() => {
    try {
      return readFileSync(TEST_ENV_FILE, 'utf8');
    } catch {
      return undefined;
    }
  })();
  if (current === JSON.stringify(env)) rmSync(TEST_ENV_FILE, { force: true });
}
