import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { currentTestEnv } from './test-env';

/**
 * Drops this run's database (and any per-file copy a crashed file left behind), deletes its
 * Redis keys, and its log directory unless the log scan found something there.
 */
export default async function globalTeardown(): Promise<void> {
  const env = currentTestEnv();
  if (env.logDir && !existsSync(join(env.logDir, 'LEAKS'))) rmSync(env.logDir, { recursive: true, force: true });
  const admin = new URL(env.databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  const copies = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}\\_%`]);
  for (const { datname } of copies.rows as { datname: string }[]) {
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
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
}
