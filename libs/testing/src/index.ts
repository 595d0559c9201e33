export * from './test-database';
export * from './log-capture';
export * from './test-app';
export * from './processes';
export * from './factories/official.factory';
export * from './factories/ticket.factory';
export * from './private-postgres';
