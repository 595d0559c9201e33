export * from './rejection-reasons';
export * from './ticket-transitions';
export * from './ticket-views';
export * from './possible-duplicates';
export * from './tickets.errors';
export * from './tickets.service';
export * from './ticket-queue.service';
export * from './tickets.module';
