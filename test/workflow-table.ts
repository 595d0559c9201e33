/**
 * The officials' workflow, every (action, status) pair, written out by hand from docs/api.md
 * ("Officials") rather than read from the code's TRANSITIONS: the unit test of the table
 * (test/workflow-table.spec.ts) and its walk over HTTP (test/e2e/officials/workflow-table.e2e-spec.ts)
 * both check the code against it. A status or an action the code gains or loses fails them
 * until this table says what it does.
 */
export const STATUSES = ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED', 'REJECTED', 'MERGED', 'WITHDRAWN'] as const;
export const REFUSED = '409';
export const SAME = 'unchanged';
// prettier-ignore
export const EXPECTED: Record<string, readonly string[]> = {
  //          ASSIGNED       IN_PROGRESS    DEFERRED       RESOLVED    REJECTED    MERGED   WITHDRAWN
  start:    ['IN_PROGRESS', REFUSED,       'IN_PROGRESS', REFUSED,    REFUSED,    REFUSED, REFUSED],
  resolve:  ['RESOLVED',    'RESOLVED',    'RESOLVED',    REFUSED,    REFUSED,    REFUSED, REFUSED],
  defer:    ['DEFERRED',    'DEFERRED',    'DEFERRED',    REFUSED,    REFUSED,    REFUSED, REFUSED],
  reject:   ['REJECTED',    'REJECTED',    'REJECTED',    REFUSED,    REFUSED,    REFUSED, REFUSED],
  transfer: ['ASSIGNED',    'ASSIGNED',    'ASSIGNED',    REFUSED,    REFUSED,    REFUSED, REFUSED],
  comment:  [SAME,          SAME,          SAME,          SAME,       SAME,       SAME,    SAME],
  reopen:   [REFUSED,       REFUSED,       REFUSED,       'ASSIGNED', 'ASSIGNED', REFUSED, REFUSED],
  merge:    ['MERGED',      'MERGED',      'MERGED',      REFUSED,    REFUSED,    REFUSED, REFUSED],
};
