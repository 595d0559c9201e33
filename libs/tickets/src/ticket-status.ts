/** Ticket statuses; persisted values, never rename. Overdue is not a status (see Ticket.overdueSince). */
export enum TicketStatus {
  Assigned = 'ASSIGNED',
  InProgress = 'IN_PROGRESS',
  Deferred = 'DEFERRED',
  Resolved = 'RESOLVED',
  Rejected = 'REJECTED',
}

export const OPEN_STATUSES: readonly TicketStatus[] = [
  TicketStatus.Assigned,
  TicketStatus.InProgress,
  TicketStatus.Deferred,
];

/** The SQL list matching the partial indexes' predicate (`status IN (...)`): use it verbatim so the planner can use them. */
export const OPEN_STATUS_SQL = `('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`;

export const isOpen = (status: TicketStatus) => OPEN_STATUSES.includes(status);

export enum IssueType {
  MissingDose = 'MISSING_DOSE',
  WrongDoseInfo = 'WRONG_DOSE_INFO',
  WrongPersonalInfo = 'WRONG_PERSONAL_INFO',
  DuplicateRecord = 'DUPLICATE_RECORD',
  Other = 'OTHER',
}
