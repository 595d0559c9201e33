import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { prepareDatabase } from '../libs/database/src/prepare-database';
import { loadReferenceData } from '../libs/reference/src/reference-loader';
import { TEST_ENV_FILE, TEST_ENV_VAR, newTestEnv } from './test-env';

/** Creates this run's own database (its name contains "test"), migrates it and loads reference data once. */
export default async function globalSetup(): Promise<void> {
  const env = newTestEnv();
  if (!new URL(env.databaseUrl).pathname.includes('test'))
    throw new Error('Refusing to test against a non-test database');
  await prepareDatabase(env.databaseUrl, [loadReferenceData]);
  mkdirSync(dirname(TEST_ENV_FILE), { recursive: true });
  writeFileSync(TEST_ENV_FILE, JSON.stringify(env));
  process.env[TEST_ENV_VAR] = JSON.stringify(env);
}
