import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../libs/database/src/data-source-options';

/** For the TypeORM CLI (npm run migration:run / migration:revert), on the compiled tree. */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/phananh', 2),
);
