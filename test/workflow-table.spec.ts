import { TRANSITIONS, WorkflowAction, nextStatus } from '@phananh/tickets';
import { EXPECTED, REFUSED, SAME, STATUSES } from './workflow-table';
import { OPEN_STATUS_SQL, TicketStatus, isOpen } from '@phananh/ticket-store';

const sorted = (values: readonly string[]) => [...values].sort();

describe('the workflow table', () => {
  it('has exactly the seven statuses and eight actions written here', () => {
    expect(sorted(Object.values(TicketStatus))).toEqual(sorted(STATUSES));
    expect(sorted(Object.values(WorkflowAction))).toEqual(sorted(Object.keys(EXPECTED)));
  });

  it('counts ASSIGNED, IN_PROGRESS and DEFERRED as open, the others as closed', () => {
    expect(Object.fromEntries(STATUSES.map((s) => [s, isOpen(s as TicketStatus)]))).toEqual({
      ASSIGNED: true,
      IN_PROGRESS: true,
      DEFERRED: true,
      RESOLVED: false,
      REJECTED: false,
      MERGED: false,
      WITHDRAWN: false,
    });
    expect(OPEN_STATUS_SQL).toBe(`('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`);
  });

  const pairs = Object.entries(EXPECTED).flatMap(([action, row]) =>
    STATUSES.map((status, i) => [action, status, row[i]] as const),
  );

  it.each(pairs)('%s from %s → %s', (action, status, expected) => {
    const next = nextStatus(action as WorkflowAction, status as TicketStatus);
    expect(next === undefined ? REFUSED : next === null ? SAME : next).toBe(expected);
  });

  it('lets only supervisors and admins reopen; every other action is open to any official in reach', () => {
    expect(Object.fromEntries(Object.entries(TRANSITIONS).map(([a, t]) => [a, t.roles]))).toEqual({
      start: undefined,
      resolve: undefined,
      defer: undefined,
      reject: undefined,
      transfer: undefined,
      comment: undefined,
      reopen: ['SUPERVISOR', 'ADMIN'],
      merge: undefined,
    });
  });

  it('writes the matching history entry', () => {
    expect(Object.fromEntries(Object.entries(TRANSITIONS).map(([a, t]) => [a, t.event]))).toEqual({
      start: 'STARTED',
      resolve: 'RESOLVED',
      defer: 'DEFERRED',
      reject: 'REJECTED',
      transfer: 'TRANSFERRED',
      comment: 'COMMENTED',
      reopen: 'REOPENED',
      merge: 'MERGED',
    });
  });
});
