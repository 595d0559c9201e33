import { OPEN_STATUS_SQL, TicketAction } from './ticket-status';
import { outboxInsertSql } from './relay';

/** How long a process trusts its set of units with automatic distribution on (TicketStore). */
export const DISTRIBUTING_UNITS_TTL_MS = 3_000;

/** The note of a system ASSIGNEE_CHANGED entry (no actor): why the assignee changed. */
export enum AssignmentReason {
  /** Handed out by the unit's automatic distribution as the ticket arrived. */
  AutoDistribution = 'AUTO_DISTRIBUTION',
  /** Its official's account was disabled: the ticket went back to the unit. */
  AccountDisabled = 'ACCOUNT_DISABLED',
}

/**
 * Hands the open, unassigned tickets of the given tracking codes ($1) that are in a unit with
 * automatic distribution on to the unit's active officers, round robin, with an
 * ASSIGNEE_CHANGED entry each (at $2, or each ticket's received_at when $2 is null). Run in
 * the transaction that filed or transferred them, so that nobody has seen them unassigned
 * and their version need not move.
 *
 * The rotation is `unit_distribution.next_seq`: the rows of the units concerned are locked (in
 * unit order, so two statements never wait on each other in a circle) and bumped by the number
 * of tickets handed out, each ticket taking the officer at (counter + its rank) modulo the
 * officers, ordered by id. A concurrent statement for the same unit waits for the lock and
 * then reads the counter as committed (READ COMMITTED re-reads a row updated meanwhile), so
 * however many API processes file at once, each counter value is used once. A unit without
 * an active officer keeps its tickets unassigned (and its counter). Answers how many were assigned.
 */
export const DISTRIBUTE_ARRIVALS_SQL = `
WITH arrived AS (
  SELECT t.id, t.unit_code, t.status, t.received_at,
         row_number() OVER (PARTITION BY t.unit_code ORDER BY t.id) AS rank
  FROM tickets t
  WHERE t.tracking_code = ANY ($1::text[]) AND t.assignee_id IS NULL AND t.status IN ${OPEN_STATUS_SQL}
), rotation AS (
  SELECT d.unit_code FROM unit_distribution d
  WHERE d.unit_code IN (SELECT unit_code FROM arrived) AND d.enabled
  ORDER BY d.unit_code
  FOR UPDATE
), officers AS (
  SELECT u.id, u.unit_code,
         row_number() OVER (PARTITION BY u.unit_code ORDER BY u.id) - 1 AS idx,
         count(*) OVER (PARTITION BY u.unit_code) AS n
  FROM users u
  WHERE u.unit_code IN (SELECT unit_code FROM rotation) AND u.role = 'OFFICER' AND u.disabled_at IS NULL
), bumped AS (
  UPDATE unit_distribution d SET next_seq = d.next_seq + a.n
  FROM (SELECT unit_code, count(*) AS n FROM arrived WHERE unit_code IN (SELECT unit_code FROM officers)
        GROUP BY unit_code) a
  WHERE d.unit_code = a.unit_code AND d.enabled
  RETURNING d.unit_code, d.next_seq - a.n AS base
), picked AS (
  SELECT a.id, a.status, a.received_at, o.id AS assignee
  FROM arrived a
  JOIN bumped b ON b.unit_code = a.unit_code
  JOIN officers o ON o.unit_code = a.unit_code AND o.idx = (b.base + a.rank - 1) % o.n
), assigned AS (
  UPDATE tickets t SET assignee_id = p.assignee FROM picked p WHERE t.id = p.id
  RETURNING t.id
), events AS (
  INSERT INTO ticket_events (ticket_id, at, action, from_status, to_status, to_assignee_id, note, is_public)
  SELECT p.id, coalesce($2::timestamptz, p.received_at), '${TicketAction.AssigneeChanged}', p.status, p.status,
         p.assignee, '${AssignmentReason.AutoDistribution}', false
  FROM picked p JOIN assigned USING (id)
  ORDER BY p.id
  RETURNING id, action
), relayed AS (
  ${outboxInsertSql('events')}
)
SELECT count(*)::int AS n FROM assigned`;

/**
 * Reserves places in the rotations of units with automatic distribution on, for tickets about
 * to be filed ($1 unit codes, $2 how many tickets each), inside the filing transaction and
 * before the filing statement, so that each ticket is inserted with its assignee (no second
 * version of the row): per unit that is on and has an active officer, `base` (the counter
 * before) and the officers in rotation order; ticket k (from 0) of the unit gets
 * officers[(base + k) % n]. Locks and bumps the counter rows like DISTRIBUTE_ARRIVALS_SQL (in
 * unit order). A reserved place whose filing turns out a duplicate or over the limit is
 * skipped by the rotation.
 */
export const RESERVE_ROTATION_SQL = `
WITH wanted AS (
  SELECT * FROM unnest($1::varchar[], $2::int[]) AS w (unit_code, n)
), rotation AS (
  SELECT d.unit_code FROM unit_distribution d
  WHERE d.unit_code IN (SELECT unit_code FROM wanted) AND d.enabled
  ORDER BY d.unit_code
  FOR UPDATE
), officers AS (
  SELECT u.unit_code, array_agg(u.id ORDER BY u.id) AS ids
  FROM users u
  WHERE u.unit_code IN (SELECT unit_code FROM rotation) AND u.role = 'OFFICER' AND u.disabled_at IS NULL
  GROUP BY u.unit_code
), bumped AS (
  UPDATE unit_distribution d SET next_seq = d.next_seq + w.n
  FROM wanted w
  WHERE d.unit_code = w.unit_code AND d.enabled AND d.unit_code IN (SELECT unit_code FROM officers)
  RETURNING d.unit_code, d.next_seq - w.n AS base
)
SELECT b.unit_code AS "unitCode", b.base::int AS base, o.ids AS officers
FROM bumped b JOIN officers o USING (unit_code)`;

/**
 * Gives the open tickets of one official ($1) back to their units, with an ASSIGNEE_CHANGED
 * entry each (no actor, note ACCOUNT_DISABLED), bumping their versions (a change read before
 * it is then TICKET_CHANGED). Found through ix_tickets_open_assignee_due. Closed tickets keep
 * the name of who had them.
 */
export const RELEASE_ASSIGNEE_SQL = `
WITH released AS (
  UPDATE tickets t SET assignee_id = NULL, version = t.version + 1, updated_at = $2
  WHERE t.assignee_id = $1 AND t.status IN ${OPEN_STATUS_SQL}
  RETURNING t.id, t.status
), events AS (
  INSERT INTO ticket_events (ticket_id, at, action, from_status, to_status, from_assignee_id, note, is_public)
  SELECT id, $2, '${TicketAction.AssigneeChanged}', status, status, $1, '${AssignmentReason.AccountDisabled}', false
  FROM released ORDER BY id
  RETURNING id, action
), relayed AS (
  ${outboxInsertSql('events')}
)
SELECT count(*)::int AS n FROM released`;
