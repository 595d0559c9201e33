import { Role } from '@phananh/identity';
import { OPEN_STATUSES, TicketAction, TicketStatus } from '@phananh/ticket-store';

/** What an official can do to a ticket (the workflow endpoints). */
export enum WorkflowAction {
  Start = 'start',
  Resolve = 'resolve',
  Defer = 'defer',
  Reject = 'reject',
  Transfer = 'transfer',
  Comment = 'comment',
  Reopen = 'reopen',
  /** Fold an open report into another open report of the same citizen it is linked to (→ MERGED). */
  Merge = 'merge',
}

export interface Transition {
  /** Statuses the action is allowed from. */
  from: readonly TicketStatus[];
  /** The status after it; null: unchanged (a comment). */
  to: TicketStatus | null;
  /** The history entry it writes. */
  event: TicketAction;
  /** Roles allowed to take it; undefined: any official in reach. */
  roles?: readonly Role[];
}

const ALL = Object.values(TicketStatus);
const CLOSED = [TicketStatus.Resolved, TicketStatus.Rejected] as const;

/** The workflow, as one table (docs/api.md, "Officials"). */
export const TRANSITIONS: Readonly<Record<WorkflowAction, Transition>> = {
  [WorkflowAction.Start]: {
    from: [TicketStatus.Assigned, TicketStatus.Deferred],
    to: TicketStatus.InProgress,
    event: TicketAction.Started,
  },
  [WorkflowAction.Resolve]: { from: OPEN_STATUSES, to: TicketStatus.Resolved, event: TicketAction.Resolved },
  [WorkflowAction.Defer]: { from: OPEN_STATUSES, to: TicketStatus.Deferred, event: TicketAction.Deferred },
  [WorkflowAction.Reject]: { from: OPEN_STATUSES, to: TicketStatus.Rejected, event: TicketAction.Rejected },
  [WorkflowAction.Transfer]: { from: OPEN_STATUSES, to: TicketStatus.Assigned, event: TicketAction.Transferred },
  [WorkflowAction.Comment]: { from: ALL, to: null, event: TicketAction.Commented },
  [WorkflowAction.Reopen]: {
    from: CLOSED,
    to: TicketStatus.Assigned,
    event: TicketAction.Reopened,
    roles: [Role.Supervisor, Role.Admin],
  },
  // Any official in reach of both reports; the kept one must be open too (TicketsService.merge).
  [WorkflowAction.Merge]: { from: OPEN_STATUSES, to: TicketStatus.Merged, event: TicketAction.Merged },
};

/** The status after `action` from `status`, or undefined when the table does not allow it. */
export function nextStatus(action: WorkflowAction, status: TicketStatus): TicketStatus | null | undefined {
  const t = TRANSITIONS[action];
  return t.from.includes(status) ? t.to : undefined;
}
