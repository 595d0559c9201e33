export * from './test-database';
export * from './log-capture';
export * from './test-app';
