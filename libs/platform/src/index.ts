export * from './platform.module';
export * from './shutdown-state';
export * from './boot';
