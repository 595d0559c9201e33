export * from './snake-naming.strategy';
export * from './data-source-options';
export * from './prepare-database';
export * from './database.module';
