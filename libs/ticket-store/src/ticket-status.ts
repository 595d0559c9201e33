/** Ticket statuses; persisted values, never rename. Overdue is not a status (see overdue.ts). */
export enum TicketStatus {
  Assigned = 'ASSIGNED',
  InProgress = 'IN_PROGRESS',
  Deferred = 'DEFERRED',
  Resolved = 'RESOLVED',
  Rejected = 'REJECTED',
  /** Folded into another report of the same citizen (merged_into says which); closed. */
  Merged = 'MERGED',
  /** Withdrawn by the citizen; closed. */
  Withdrawn = 'WITHDRAWN',
}

export const OPEN_STATUSES: readonly TicketStatus[] = [
  TicketStatus.Assigned,
  TicketStatus.InProgress,
  TicketStatus.Deferred,
];

/**
 * The open statuses as the partial indexes' predicate spells them (`status IN ('ASSIGNED', …)`).
 * Use it verbatim next to `status` so that the planner can prove those indexes apply; a
 * test compares it with the migrated indexes' definitions.
 */
export const OPEN_STATUS_SQL = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export const isOpen = (status: TicketStatus) => OPEN_STATUSES.includes(status);

/** What a report is about; persisted values, never rename. */
export enum IssueType {
  MissingDose = 'MISSING_DOSE',
  WrongDoseInfo = 'WRONG_DOSE_INFO',
  WrongPersonalInfo = 'WRONG_PERSONAL_INFO',
  DuplicateRecord = 'DUPLICATE_RECORD',
  Other = 'OTHER',
}

/** What happened to a ticket (ticket_events.action); persisted values, never rename. */
export enum TicketAction {
  Filed = 'FILED',
  Assigned = 'ASSIGNED',
  Started = 'STARTED',
  Resolved = 'RESOLVED',
  Deferred = 'DEFERRED',
  Rejected = 'REJECTED',
  Transferred = 'TRANSFERRED',
  Commented = 'COMMENTED',
  Reopened = 'REOPENED',
  IdentityViewed = 'IDENTITY_VIEWED',
  Overdue = 'OVERDUE',
  Escalated = 'ESCALATED',
  CutoffMissed = 'CUTOFF_MISSED',
  Merged = 'MERGED',
  /** On the kept report of a merge: another report (named in the note) was merged into it. Internal. */
  MergedFrom = 'MERGED_FROM',
  Withdrawn = 'WITHDRAWN',
  /**
   * The ticket's assignee changed (from_assignee_id → to_assignee_id): claimed, assigned,
   * unassigned, handed out by the unit's automatic distribution or released when its official
   * was disabled (those two with no actor), or cleared by a transfer. Internal.
   */
  AssigneeChanged = 'ASSIGNEE_CHANGED',
}

/** History entries the citizen sees on the lookup timeline; every other entry is internal. */
export const PUBLIC_ACTIONS: ReadonlySet<TicketAction> = new Set([
  TicketAction.Filed,
  TicketAction.Assigned,
  TicketAction.Transferred,
  TicketAction.Resolved,
  TicketAction.Rejected,
  TicketAction.Merged,
  TicketAction.Withdrawn,
]);
