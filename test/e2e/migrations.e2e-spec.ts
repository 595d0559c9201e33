import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase } from '@phananh/database';
import { dropDatabase } from '@test/support';
import { MIGRATIONS } from '../../migrations';
import { readSchema } from '../../scripts/read-schema';
import { currentTestEnv } from '../test-env';

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

  // The schema snapshot's reader, without extensions: `down` leaves pgcrypto (it may predate us).
  const schema = async (): Promise<string[]> =>
    (await readSchema(ds)).filter((block) => !block.startsWith('CREATE EXTENSION '));
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
    expect(upTo[MIGRATIONS.length].filter((b) => b.startsWith('CREATE TABLE ')).length).toBeGreaterThanOrEqual(10);
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
