import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase } from '@phananh/database';
import { dropDatabase } from '@test/support';
import { MIGRATIONS } from '../../migrations';
import { currentTestEnv } from '../test-env';

/** Everything a migration can leave behind in a database, as comparable text. */
const SCHEMA_SQL = `
  SELECT 'table ' || table_name || ' ' || string_agg(column_name || ':' || data_type || ':' || is_nullable || ':' ||
         coalesce(column_default, ''), ',' ORDER BY column_name) AS item
  FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name
  UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid)
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
  LEFT JOIN pg_class r ON r.oid = c.conrelid
  WHERE n.nspname = 'public' AND coalesce(r.relname, '') <> 'migrations'
  UNION ALL SELECT 'sequence ' || sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'
  UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND NOT EXISTS (
    SELECT 1 FROM pg_class r WHERE r.reltype = t.oid)
  UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  UNION ALL SELECT 'view ' || table_name FROM information_schema.views WHERE table_schema = 'public'
  ORDER BY 1`;

/**
 * Every migration can be undone (CONTRACT: no synchronize, hand-written migrations): on a
 * fresh database, all migrations up, then each `down` in turn back to an empty schema, then
 * all up again to exactly the same schema. A new migration is covered as soon as it is
 * listed in migrations/index.ts.
 */
describe('migrations: up, down one by one to empty, and up again', () => {
  const url = new URL(currentTestEnv().databaseUrl);
  url.pathname = `${url.pathname}_migrations`;
  let ds: DataSource;

  const schema = async (): Promise<string[]> =>
    ((await ds.query(SCHEMA_SQL)) as { item: string }[])
      .map((r) => r.item)
      .filter(
        // TypeORM's own bookkeeping table. Extensions are not compared: `down` leaves pgcrypto (it may predate us).
        (item) => !/^(table|index|sequence) (PK_\w+ |migrations)/.test(item),
      );
  const applied = async (): Promise<string[]> =>
    ((await ds.query(`SELECT name FROM migrations ORDER BY id`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    await ensureDatabase(url.toString());
    ds = new DataSource(dataSourceOptions(url.toString(), 2));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  /** upTo[k]: the schema after the first k migrations, applied one at a time. */
  const upTo: string[][] = [];

  it('applies the migrations one at a time to a fresh database', async () => {
    upTo[0] = await schema();
    for (let k = 1; k <= MIGRATIONS.length; k++) {
      const step = new DataSource({ ...dataSourceOptions(url.toString(), 1), migrations: MIGRATIONS.slice(0, k) });
      await step.initialize();
      try {
        const ran = await step.runMigrations({ transaction: 'each' });
        expect(ran.map((m) => m.name)).toEqual([MIGRATIONS[k - 1].name]);
      } finally {
        await step.destroy();
      }
      upTo[k] = await schema();
      expect(upTo[k]).not.toEqual(upTo[k - 1]);
    }
    expect(upTo[MIGRATIONS.length].filter((i) => i.startsWith('table ')).length).toBeGreaterThanOrEqual(10);
  });

  it('reverts them one by one, newest first, each `down` undoing exactly its own `up`, to an empty schema', async () => {
    const names = MIGRATIONS.map((m) => m.name);
    for (let k = names.length - 1; k >= 0; k--) {
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await applied()).toEqual(names.slice(0, k));
      expect(await schema()).toEqual(upTo[k]);
    }
    expect(upTo[0]).toEqual([]);
  });

  it('applies them all again, to the same schema', async () => {
    await ds.runMigrations({ transaction: 'each' });
    expect(await applied()).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await schema()).toEqual(upTo[MIGRATIONS.length]);
  });
});
