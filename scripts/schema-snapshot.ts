import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Client } from 'pg';
import { prepareDatabase } from '../libs/database/src/prepare-database';
import { formatSchema, readSchema, snapshotPath, unifiedDiff } from './read-schema';

/**
 * `npm run schema:snapshot`: migrates a new, empty database on the server of DATABASE_URL,
 * writes its schema to migrations/schema.snapshot.sql, prints what changed, and drops it.
 */
async function main(): Promise<void> {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/phananh');
  const scratch = new URL(server);
  scratch.pathname = `/phananh_schema_snapshot_${randomBytes(4).toString('hex')}`;
  const admin = new URL(server);
  admin.pathname = '/postgres';
  try {
    await prepareDatabase(scratch.toString());
    const client = new Client({ connectionString: scratch.toString() });
    await client.connect();
    let text: string;
    try {
      text = formatSchema(await readSchema(client));
    } finally {
      await client.end();
    }
    const file = snapshotPath();
    const name = relative(process.cwd(), file);
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    writeFileSync(file, text);
    console.log(before === text ? `${name}: unchanged` : unifiedDiff(before, text, [`${name} (before)`, name], 200));
  } finally {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${scratch.pathname.slice(1)}" WITH (FORCE)`);
    await client.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
