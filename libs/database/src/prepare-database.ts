import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Something that fills reference data once migrations are applied; it must be idempotent. */
export type Seeder = (manager: EntityManager) => Promise<void>;

/** Key of the advisory lock that serialises migrations and seeding across processes ("phananh"). */
const PREPARE_LOCK = 0x7068616e;

/** Creates the database named in `url` if it does not exist. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if missing, applies pending migrations and runs the seeders,
 * all under one advisory lock so that several processes starting at once take turns.
 */
export async function prepareDatabase(url: string, seeders: Seeder[] = []): Promise<void> {
  await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [PREPARE_LOCK]);
    try {
      await ds.runMigrations({ transaction: 'each' });
      for (const seed of seeders) await seed(ds.manager);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [PREPARE_LOCK]);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}
