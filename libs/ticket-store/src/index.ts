export * from './ticket-status';
export * from './ticket-columns';
export * from './overdue';
export * from './filing-batch';
export * from './blind-index';
export * from './ticket-store';
export * from './ticket-store.module';
