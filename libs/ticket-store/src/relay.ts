import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TicketAction, TicketStatus } from './ticket-status';

/**
 * The ticket events that are relayed to sinks: every action but an official's view of an
 * identity number (IDENTITY_VIEWED, an access record, not something that happened to the
 * report; the audit log has it too). A new TicketAction is relayed unless listed here.
 */
export const UNRELAYED_ACTIONS: ReadonlySet<TicketAction> = new Set([TicketAction.IdentityViewed]);
export const RELAYED_ACTIONS: readonly TicketAction[] = Object.values(TicketAction).filter(
  (a) => !UNRELAYED_ACTIONS.has(a),
);

/**
 * One ticket event as sinks receive it: the history row (ticket_events) without its note (free
 * text that may hold personal data) or its actor's identity, plus the ticket's tracking code.
 * `id` is the event's id: unique, and the key a sink makes its delivery rows unique on (with its
 * own recipient), which is what makes a relayed event give each delivery exactly once.
 */
export interface RelayedTicketEvent {
  /** ticket_events.id (bigint, as a string). */
  id: string;
  ticketId: string;
  trackingCode: string;
  /** When it happened (the service clock). */
  at: Date;
  action: TicketAction;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  fromUnitCode: string | null;
  toUnitCode: string | null;
  /** The acting official's role (OFFICER, SUPERVISOR, ADMIN) or null for the system or the citizen. */
  actorRole: string | null;
  /** On the citizen's timeline (PUBLIC_ACTIONS). */
  isPublic: boolean;
}

/** What a sink does once the relay's transaction has committed (typically: enqueue its delivery jobs). */
export type AfterCommit = () => Promise<void>;

/**
 * A consumer of ticket events (citizen messages, CloudEvents webhooks, …). Implement it in a
 * provider class marked with `@TicketEventSinkProvider()` and import that provider's module into
 * the worker (apps/worker/src/features.ts): the relay finds every such provider at boot.
 *
 * The contract:
 * - `accept(events, m)` is called with each batch the relay drains (at most RELAY_BATCH events,
 *   in event-id order; every sink sees every relayed event), INSIDE the relay's transaction `m`.
 *   Write your own delivery rows with `m` (and nothing slow: no network), so that they are
 *   committed together with the removal of the events from the outbox: either the events are
 *   gone and every sink's rows exist, or neither. Make the rows unique on (event id, your
 *   recipient) and insert them `ON CONFLICT DO NOTHING`. Ignore the actions you do not handle.
 *   If `accept` throws, the whole batch is rolled back for every sink and relayed again on the
 *   next run (so a sink must not keep state outside `m`).
 * - It may answer an `AfterCommit`, run after the commit: enqueue the BullMQ jobs that send
 *   the rows (with deterministic job ids). It may fail (Redis down): the rows are in PostgreSQL.
 * - `redeliver()` is called periodically (every DELIVERY_REPAIR_MS) and re-enqueues the rows
 *   still pending, so that whatever Redis lost (a FLUSHALL, a restart without AOF) is sent
 *   anyway; job ids that still exist make it harmless. Answer how many were re-enqueued.
 * - Order: within a batch, event-id order; across batches drained by concurrent workers, no
 *   order is promised (a later event of a ticket may reach a sink first). Use `at` and `id`.
 */
export interface TicketEventSink {
  /** A short stable name, for logs and the relay job's outcome. */
  readonly name: string;
  accept(events: readonly RelayedTicketEvent[], m: EntityManager): Promise<AfterCommit | void>;
  redeliver(): Promise<number>;
}

export const TICKET_EVENT_SINK = Symbol('phananh:ticket-event-sink');

/** Marks a provider class as a TicketEventSink for the relay to find. */
export const TicketEventSinkProvider = () => SetMetadata(TICKET_EVENT_SINK, true);

/** RELAYED_ACTIONS as an SQL array literal (our own constants: no parameter needed). */
const RELAYED_ACTIONS_SQL = `'{${RELAYED_ACTIONS.join(',')}}'::text[]`;

/**
 * The outbox insert for the events a statement just inserted: `source` is a data-modifying CTE
 * (or table) that yields their `id` and `action`. Used by every writer of ticket_events.
 */
export const outboxInsertSql = (source: string) =>
  `INSERT INTO ticket_event_outbox (event_id) SELECT id FROM ${source} WHERE action = ANY (${RELAYED_ACTIONS_SQL})`;

/**
 * Claims and removes up to $1 events from the outbox, oldest first, skipping those another
 * relay holds, and answers them as RelayedTicketEvent rows. Run inside the transaction that
 * hands them to the sinks: a rollback puts them back.
 */
export const CLAIM_RELAY_BATCH_SQL = `
WITH claimed AS (
  DELETE FROM ticket_event_outbox
  WHERE event_id IN (SELECT event_id FROM ticket_event_outbox ORDER BY event_id LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING event_id
)
SELECT e.id::text AS id, e.ticket_id::text AS "ticketId", t.tracking_code AS "trackingCode", e.at, e.action,
       e.from_status AS "fromStatus", e.to_status AS "toStatus", e.from_unit_code AS "fromUnitCode",
       e.to_unit_code AS "toUnitCode", e.actor_role AS "actorRole", e.is_public AS "isPublic"
FROM claimed c JOIN ticket_events e ON e.id = c.event_id JOIN tickets t ON t.id = e.ticket_id
ORDER BY e.id`;
