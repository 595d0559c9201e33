export * from './audit-action';
export * from './audit-entry';
export * from './audit-log.service';
export * from './audit.module';
