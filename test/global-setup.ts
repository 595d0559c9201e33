import { prepareDatabase } from '../libs/database/src/prepare-database';
import { loadReferenceData } from '../libs/reference/src/reference-loader';
import { TEST_ENV_VAR, newTestEnv } from './test-env';

/** Creates this run's own database (its name contains "test"), migrates it and loads reference data once. */
export default async function globalSetup(): Promise<void> {
  const env = newTestEnv();
  if (!new URL(env.databaseUrl).pathname.includes('test')) {
    throw new Error('Refusing to test against a non-test database');
  }
  await prepareDatabase(env.databaseUrl, [loadReferenceData]);
  process.env[TEST_ENV_VAR] = JSON.stringify(env);
}
