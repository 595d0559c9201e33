export * from './ticket-status';
export * from './ticket-columns';
export * from './overdue';
export * from './filing-batch';
export * from './ticket-store';
export * from './ticket-store.module';
