import { Role } from '@phananh/identity';
import { TicketAction, TicketStatus } from '@phananh/ticket-store';
import { TRANSITIONS, WorkflowAction, nextStatus } from './ticket-transitions';

const { Assigned, InProgress, Deferred, Resolved, Rejected, Merged } = TicketStatus;
const X = undefined; // not allowed
const SAME = null; // allowed, status unchanged

/** Every (action, status) pair, written out by hand from docs/api.md rather than derived from the table. */
const EXPECTED: Record<WorkflowAction, Record<TicketStatus, TicketStatus | null | undefined>> = {
  start: {
    ASSIGNED: InProgress,
    IN_PROGRESS: X,
    DEFERRED: InProgress,
    RESOLVED: X,
    REJECTED: X,
    MERGED: X,
    WITHDRAWN: X,
  },
  resolve: {
    ASSIGNED: Resolved,
    IN_PROGRESS: Resolved,
    DEFERRED: Resolved,
    RESOLVED: X,
    REJECTED: X,
    MERGED: X,
    WITHDRAWN: X,
  },
  defer: {
    ASSIGNED: Deferred,
    IN_PROGRESS: Deferred,
    DEFERRED: Deferred,
    RESOLVED: X,
    REJECTED: X,
    MERGED: X,
    WITHDRAWN: X,
  },
  reject: {
    ASSIGNED: Rejected,
    IN_PROGRESS: Rejected,
    DEFERRED: Rejected,
    RESOLVED: X,
    REJECTED: X,
    MERGED: X,
    WITHDRAWN: X,
  },
  transfer: {
    ASSIGNED: Assigned,
    IN_PROGRESS: Assigned,
    DEFERRED: Assigned,
    RESOLVED: X,
    REJECTED: X,
    MERGED: X,
    WITHDRAWN: X,
  },
  comment: {
    ASSIGNED: SAME,
    IN_PROGRESS: SAME,
    DEFERRED: SAME,
    RESOLVED: SAME,
    REJECTED: SAME,
    MERGED: SAME,
    WITHDRAWN: SAME,
  },
  reopen: { ASSIGNED: X, IN_PROGRESS: X, DEFERRED: X, RESOLVED: Assigned, REJECTED: Assigned, MERGED: X, WITHDRAWN: X },
  merge: { ASSIGNED: Merged, IN_PROGRESS: Merged, DEFERRED: Merged, RESOLVED: X, REJECTED: X, MERGED: X, WITHDRAWN: X },
};

describe('the workflow table', () => {
  const pairs = Object.values(WorkflowAction).flatMap((action) =>
    Object.values(TicketStatus).map((status) => [action, status, EXPECTED[action][status]] as const),
  );

  it('covers 8 actions × 7 statuses', () => {
    expect(pairs).toHaveLength(56);
  });

  it.each(pairs)('%s from %s → %s', (action, status, expected) => {
    expect(nextStatus(action, status)).toBe(expected);
  });

  it('lets only supervisors and admins reopen; every other action is open to any official in reach', () => {
    expect(TRANSITIONS.reopen.roles).toEqual([Role.Supervisor, Role.Admin]);
    for (const action of Object.values(WorkflowAction).filter((a) => a !== WorkflowAction.Reopen)) {
      expect(TRANSITIONS[action].roles).toBeUndefined();
    }
  });

  it('writes the matching history entry', () => {
    expect(Object.fromEntries(Object.entries(TRANSITIONS).map(([a, t]) => [a, t.event]))).toEqual({
      start: TicketAction.Started,
      resolve: TicketAction.Resolved,
      defer: TicketAction.Deferred,
      reject: TicketAction.Rejected,
      transfer: TicketAction.Transferred,
      comment: TicketAction.Commented,
      reopen: TicketAction.Reopened,
      merge: TicketAction.Merged,
    });
  });
});
