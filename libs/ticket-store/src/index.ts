export * from './ticket-status';
export * from './ticket-columns';
export * from './overdue';
export * from './filing-batch';
export * from './blind-index';
export type { FiledAttachment, Filing, FilingOutcome, FilingReceipt } from './filing';
export {
  FILE_TICKETS_SQL,
  IDEMPOTENCY_CONSTRAINT,
  OPEN_DUPLICATE_CONSTRAINT,
  TRACKING_CODE_CONSTRAINT,
  identityLocksSql,
  newTicketRecord,
} from './filing';
export type { ErasedBatch, FileToRemove } from './erasure';
export { CLAIM_ERASABLE_IN_CAMPAIGN_SQL, CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL, ERASED_TICKET_FIELDS } from './erasure';
export * from './ticket-store';
export * from './ticket-store.module';
export * from './relay';
export * from './ticket-event-relay';
