import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Client } from 'pg';
import { IsolatedEnv, isolatedEnv } from '@test/support';
import { formatSchema, readSchema, snapshotPath, unifiedDiff } from '../../../scripts/read-schema';

/**
 * The migrations are the one definition of the schema (README, "The schema is the
 * migrations"): the schema they make must be the committed snapshot, so that a change to it
 * shows in review as a change to migrations/schema.snapshot.sql.
 */
describe('the migrated schema', () => {
  let env: IsolatedEnv;
  let client: Client;

  beforeAll(async () => {
    env = await isolatedEnv();
    client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await env?.drop();
  });

  it('is the committed snapshot, migrations/schema.snapshot.sql', async () => {
    const file = snapshotPath(__dirname);
    const name = relative(process.cwd(), file);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const migrated = formatSchema(await readSchema(client));
    const diff = unifiedDiff(committed, migrated, [`${name} (committed)`, 'the freshly migrated database']);
    if (diff) {
      throw new Error(
        `The migrated schema differs from ${name}. If the change is intended, run ` +
          `\`npm run schema:snapshot\` and commit the file with the migration.\n\n${diff}`,
      );
    }
  });
});
