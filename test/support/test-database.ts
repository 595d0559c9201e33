import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { currentTestEnv } from '../test-env';

let counter = 0;

const runEnv = currentTestEnv;

async function admin<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops the database a URL names (connected through the server's `postgres` database). */
export async function dropDatabase(url: string | URL): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin(String(url), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export interface IsolatedEnv extends ReturnType<typeof currentTestEnv> {
  drop(): Promise<void>;
}

/**
 * A database and a Redis prefix of one's own: a copy of the run's migrated database
 * (CREATE DATABASE … TEMPLATE, a file copy) so test files running in parallel never
 * see each other's rows or jobs.
 */
export async function isolatedEnv(): Promise<IsolatedEnv> {
  const run = runEnv();
  const template = new URL(run.databaseUrl).pathname.slice(1);
  // Jest re-imports this module for every test file, so the counter alone repeats within a worker process.
  const suffix = `${process.pid}_${++counter}_${randomBytes(2).toString('hex')}`;
  const name = `${template}_${suffix}`;
  await admin(run.databaseUrl, async (c) => {
    // The template must have no other session; retry briefly while a sibling copies it.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
      }
    }
  });
  const url = new URL(run.databaseUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    redisUrl: run.redisUrl,
    redisPrefix: `${run.redisPrefix}-${suffix}`,
    logDir: run.logDir,
    drop: () => dropDatabase(url),
  };
}
