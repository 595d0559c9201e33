export * from './ticket-status';
export * from './ticket.entity';
export * from './ticket-event.entity';
export * from './rejection-reasons';
