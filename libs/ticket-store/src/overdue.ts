import { OPEN_STATUS_SQL } from './ticket-status';

/*
 * "Overdue", defined once. A ticket is overdue at an instant when it is open and its deadline
 * has come: due_at <= now. The SLA ladder fires its OVERDUE stage at that same instant
 * (libs/sla stageInstant: the OVERDUE stage is due at due_at, and fires once it is <= now) and
 * records it as overdue_since = due_at; the SLA summary's `overdue` counts overdueSql.
 *
 * "Late" is the other meaning: the deadline passed before the ticket was closed, whether it is
 * still open (overdue) or was closed after due_at. The queue's `overdue=true` filter means
 * late (with status=RESOLVED: resolved late), as docs/api.md says.
 */

/** SQL: `<alias>` is overdue at the instant in parameter `now` (e.g. `$2`). */
export function overdueSql(alias: string, now: string): string {
  return `${alias}.status IN ${OPEN_STATUS_SQL} AND ${alias}.due_at <= ${now}`;
}

/** SQL: `<alias>` missed its deadline by the instant in parameter `now`: overdue, or closed after due_at. */
export function lateSql(alias: string, now: string): string {
  return `${alias}.due_at <= ${now} AND (${alias}.closed_at IS NULL OR ${alias}.closed_at > ${alias}.due_at)`;
}
