import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';

/** One definition of how to reach PostgreSQL, shared by the app, the migration CLI and the tests. */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      // Fail fast instead of queueing forever when PostgreSQL is gone (intake answers 503).
      connectionTimeoutMillis: 5000,
      application_name: 'phananh',
    },
  };
}
