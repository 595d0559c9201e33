import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, PiiCrypto } from '@phananh/core';
import { uniqueViolation } from '@phananh/database';
import { BLIND_INDEXED_COLUMNS, BlindIndexBatch, blindIndexSql } from './blind-index';
import { FilingBatcher } from './filing-batch';
import {
  TICKET_COLUMNS,
  TICKET_EVENT_COLUMNS,
  TICKET_EVENT_KEYS,
  TICKET_KEYS,
  TicketEventRecord,
  TicketRecord,
  columnArrays,
  columnNames,
  unnestColumns,
} from './ticket-columns';
import {
  CAMPAIGNS_PAST_RETENTION_SQL,
  CLAIM_ERASABLE_IN_CAMPAIGN_SQL,
  CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL,
  ERASE_SQL,
  ErasedBatch,
  FileToRemove,
} from './erasure';
import { FILE_TICKETS_SQL, Filing, FilingOutcome, filingParameters, identityLocksSql } from './filing';
import { CLAIM_RELAY_BATCH_SQL, RelayedTicketEvent, outboxInsertSql } from './relay';
import { OPEN_STATUS_SQL, PUBLIC_ACTIONS, TicketAction, TicketStatus } from './ticket-status';

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A history entry to append; the actor and the units are optional, `isPublic` follows the action. */
export type NewTicketEvent = Pick<TicketEventRecord, 'ticketId' | 'at' | 'action'> &
  Partial<Omit<TicketEventRecord, 'ticketId' | 'at' | 'action' | 'isPublic'>>;

/** One ticket's move on the SLA ladder, as the sweeper computed it. */
export interface SlaStep {
  id: string;
  slaStage: number;
  slaNextAt: Date | null;
  /** The OVERDUE stage fired: overdue_since becomes due_at. */
  overdue: boolean;
}

/** UPDATE … RETURNING through TypeORM's postgres driver answers [rows, rowCount]. */
function updatedRows(result: unknown): unknown[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? result[0] : (result as unknown[]);
}

/**
 * The one writer of `tickets` and `ticket_events`: filing (filing.ts), appending history, the
 * workflow's versioned updates, the SLA ladder, the cutoff flag, withdrawal and the erasure of
 * personal data at the end of retention (erasure.ts) all go through here, with the
 * attachments' rows written with their ticket, so the columns, the open statuses and the
 * history's shape are known in one place. Reads stay with the modules that need them (they
 * select through TICKET_ROW_SELECT / ticketSelect).
 */
@Injectable()
export class TicketStore {
  private readonly batcher = new FilingBatcher<Filing, FilingOutcome>(
    (batch) => this.fileLocked(batch),
    (f) => f.ticket.trackingCode,
    (err) => uniqueViolation(err) !== undefined,
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * Files a report: `created`, or why nothing was written (FILE_TICKETS_SQL). Concurrent
   * filings are group-committed (FilingBatcher), each batch under its identity numbers' locks.
   */
  file(filing: Filing): Promise<FilingOutcome> {
    return this.batcher.insert(filing);
  }

  /**
   * Many filings in one statement: each one's outcome by its tracking code. At most
   * `openLimit` open reports per identity number (default OPEN_REPORTS_PER_CITIZEN), exactly
   * only when no other statement files for the same identity numbers at the same time (file()
   * sees to that; tools and tests may call this directly).
   */
  async fileBatch(
    q: Queryable,
    filings: readonly Filing[],
    openLimit = this.config.OPEN_REPORTS_PER_CITIZEN,
  ): Promise<Map<string, FilingOutcome>> {
    const rows: { trackingCode: string; outcome: FilingOutcome }[] = await q.query(
      FILE_TICKETS_SQL,
      filingParameters(filings, openLimit),
    );
    return new Map(rows.map((r) => [r.trackingCode, r.outcome]));
  }

  /**
   * fileBatch in a transaction that first takes a transaction-level advisory lock per identity
   * number of the batch (in sorted order, so batches never wait on each other in a cycle): a
   * statement judges the limit on a snapshot taken at its start, so two statements for the same
   * citizen at the same instant would otherwise both pass it. The lock is taken by a statement
   * of its own (identityLocksSql), before the filing statement's snapshot; batches of other
   * citizens do not wait. Measured on intake: within the noise of a shared machine, about a
   * tenth more CPU per report (RELIABILITY.md, the flood of one identity).
   */
  private async fileLocked(filings: readonly Filing[]): Promise<Map<string, FilingOutcome>> {
    const runner = this.db.createQueryRunner();
    try {
      // BEGIN and the locks in one round trip (a query without parameters may hold two statements).
      await runner.query(`BEGIN; ${identityLocksSql(filings.map((f) => f.ticket.citizenIdHash!))}`);
      const outcomes = await this.fileBatch(runner, filings);
      await runner.query('COMMIT');
      return outcomes;
    } catch (err) {
      // Never hand the pool a connection inside a transaction (outside one, ROLLBACK only warns).
      await runner.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** Inserts tickets exactly as given (no events, no duplicate check): their ids, in insertion order. For tools and tests. */
  async insert(q: Queryable, tickets: readonly TicketRecord[]): Promise<string[]> {
    const rows: { id: string }[] = await q.query(
      `INSERT INTO tickets (${columnNames(TICKET_COLUMNS, TICKET_KEYS)})
       SELECT ${columnNames(TICKET_COLUMNS, TICKET_KEYS)} FROM ${unnestColumns(TICKET_COLUMNS, TICKET_KEYS, 1, 'i')}
       ORDER BY ord
       RETURNING id`,
      columnArrays(TICKET_KEYS, tickets),
    );
    return rows.map((r) => r.id);
  }

  /**
   * Appends history entries, in the given order, and queues the relayed ones (RELAYED_ACTIONS)
   * in the relay's outbox in the same statement: whoever calls this inside a transaction gets
   * both or neither.
   */
  async appendEvents(q: Queryable, events: readonly NewTicketEvent[]): Promise<void> {
    if (!events.length) return;
    const records = events.map(ticketEventRecord);
    const columns = columnNames(TICKET_EVENT_COLUMNS, TICKET_EVENT_KEYS);
    await q.query(
      `WITH appended AS (
         INSERT INTO ticket_events (${columns})
         SELECT ${columns} FROM ${unnestColumns(TICKET_EVENT_COLUMNS, TICKET_EVENT_KEYS, 1, 'e')} ORDER BY ord
         RETURNING id, action
       )
       ${outboxInsertSql('appended')}`,
      columnArrays(TICKET_EVENT_KEYS, records),
    );
  }

  /**
   * Claims and removes up to `limit` relayed events from the outbox (oldest first, skipping
   * those another relay holds), inside the caller's transaction `q`: a rollback puts them back.
   */
  async claimRelayBatch(q: Queryable, limit: number): Promise<RelayedTicketEvent[]> {
    return q.query(CLAIM_RELAY_BATCH_SQL, [limit]);
  }

  /**
   * Changes a ticket if its version is still `version` (optimistic concurrency), bumping the
   * version: false when someone else changed it first. A change that would open a second open
   * report of the same citizen raises the unique violation OPEN_DUPLICATE_CONSTRAINT.
   *
   * Closing a ticket (closedAt given, slaNextAt null) stops its ladder, but keeps a stage that
   * was already due at the closing instant: the sweeper has not recorded it yet (it runs every
   * SLA_SWEEP_INTERVAL_MS, later under load), and the ticket was open when it came due.
   */
  async update(
    q: Queryable,
    id: string,
    version: number,
    set: Partial<Omit<TicketRecord, 'version' | 'updatedAt'>>,
    now: Date,
  ): Promise<boolean> {
    const params: unknown[] = [id, version, now];
    const assignments = Object.entries(set).map(([key, value]) => {
      if (key === 'slaNextAt' && value === null && set.closedAt) {
        return `sla_next_at = CASE WHEN sla_next_at <= $${params.push(set.closedAt)} THEN sla_next_at END`;
      }
      return `${TICKET_COLUMNS[key as keyof TicketRecord][0]} = $${params.push(value)}`;
    });
    const result = await q.query(
      `UPDATE tickets SET ${[...assignments, 'version = version + 1', 'updated_at = $3'].join(', ')}
       WHERE id = $1 AND version = $2 RETURNING id`,
      params,
    );
    return updatedRows(result).length === 1;
  }

  /**
   * Locks tickets until the end of the transaction `q` (in id order, so that two such
   * transactions never wait on each other in a circle) and answers whether each still has
   * the version it was read with: a change of several tickets (a merge) checks them all
   * before writing any, and nobody can change them in between.
   */
  async lockVersions(q: Queryable, tickets: readonly { id: string; version: number }[]): Promise<boolean> {
    const rows: { id: string; version: number }[] = await q.query(
      `SELECT id, version FROM tickets WHERE id = ANY ($1::bigint[]) ORDER BY id FOR UPDATE`,
      [tickets.map((t) => t.id)],
    );
    return (
      rows.length === tickets.length &&
      tickets.every((t) => rows.some((r) => String(r.id) === String(t.id) && r.version === t.version))
    );
  }

  /**
   * Closes an open ticket at its citizen's request, if its version is still `version`: status
   * WITHDRAWN, closed now, no further SLA stage (so no deadline or alert follows), and the
   * public WITHDRAWN entry in its history, in one transaction. False when someone changed the
   * ticket first (nothing written).
   */
  async withdraw(
    ticket: { id: string; version: number; status: TicketStatus },
    now: Date,
    note: string | null,
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const set = { status: TicketStatus.Withdrawn, closedAt: now, slaNextAt: null };
      if (!(await this.update(m, ticket.id, ticket.version, set, now))) return false;
      await this.appendEvents(m, [
        {
          ticketId: ticket.id,
          at: now,
          action: TicketAction.Withdrawn,
          fromStatus: ticket.status,
          toStatus: TicketStatus.Withdrawn,
          note,
        },
      ]);
      return true;
    });
  }

  /** Moves tickets up the SLA ladder, set-based (the sweeper's batch). */
  async advanceSla(q: Queryable, steps: readonly SlaStep[]): Promise<void> {
    if (!steps.length) return;
    await q.query(
      `UPDATE tickets t
       SET sla_stage = u.stage, sla_next_at = u.next_at,
           overdue_since = CASE WHEN u.overdue THEN t.due_at ELSE t.overdue_since END
       FROM unnest($1::bigint[], $2::smallint[], $3::timestamptz[], $4::boolean[]) AS u(id, stage, next_at, overdue)
       WHERE t.id = u.id`,
      [
        steps.map((s) => s.id),
        steps.map((s) => s.slaStage),
        steps.map((s) => s.slaNextAt),
        steps.map((s) => s.overdue),
      ],
    );
  }

  /**
   * Erases the personal data of up to `limit` closed tickets past retention, in one
   * transaction: those of the campaigns whose cutoff is at or before `retainedSince`, then those
   * outside any campaign closed at or before it (see the claims above). Sets pii_erased_at to
   * `now`. Run it until it erases fewer than `limit`; then remove the files (filesToRemove).
   */
  async erasePersonalData(retainedSince: Date, now: Date, limit: number): Promise<ErasedBatch> {
    return this.db.transaction(async (m) => {
      const campaigns: string[] = (await m.query(CAMPAIGNS_PAST_RETENTION_SQL, [retainedSince])).map(
        (r: { code: string }) => r.code,
      );
      const ids: string[] = [];
      for (const code of campaigns) {
        if (ids.length === limit) break;
        const rows = await m.query(CLAIM_ERASABLE_IN_CAMPAIGN_SQL, [code, limit - ids.length]);
        ids.push(...rows.map((r: { id: string }) => r.id));
      }
      if (ids.length < limit) {
        const outside = await m.query(CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL, [retainedSince, limit - ids.length]);
        ids.push(...outside.map((r: { id: string }) => r.id));
      }
      if (!ids.length) return { tickets: 0, notes: 0, files: 0 };
      const [done]: ErasedBatch[] = await m.query(ERASE_SQL, [ids, now]);
      return done;
    });
  }

  /** Files of erased tickets still in the attachment store (ix_attachments_files_to_remove), by id. */
  async filesToRemove(q: Queryable, limit: number): Promise<FileToRemove[]> {
    return q.query(
      `SELECT id, storage_key AS "storageKey" FROM attachments
       WHERE erased_at IS NOT NULL AND storage_key IS NOT NULL ORDER BY id LIMIT $1`,
      [limit],
    );
  }

  /** Forgets the storage keys of files that are gone from the store: they leave filesToRemove. */
  async forgetRemovedFiles(q: Queryable, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await q.query(`UPDATE attachments SET storage_key = NULL WHERE id = ANY ($1::uuid[]) AND erased_at IS NOT NULL`, [
      ids,
    ]);
  }

  /**
   * Flags cutoffMissed on the campaign's tickets in the id range [fromId, toId) that are open,
   * or closed only after the cutoff (in the moments before it was processed): how many.
   */
  async flagCutoffMissed(q: Queryable, campaignCode: string, fromId: string, toId: string, cutoffAt: Date) {
    const [, count]: [unknown, number] = await q.query(
      `UPDATE tickets SET cutoff_missed = true
       WHERE id >= $2 AND id < $3 AND campaign_code = $1 AND NOT cutoff_missed
         AND (status IN ${OPEN_STATUS_SQL} OR closed_at > $4)`,
      [campaignCode, fromId, toId, cutoffAt],
    );
    return count;
  }

  /**
   * One batch of the blind-index rebuild: the `limit` tickets after id `afterId`, each blind
   * index of BLIND_INDEXED_COLUMNS recomputed under `pii`'s index key from the decrypted
   * value and written where it differs. Safe beside the running service: only the index
   * column is written (no version bump, so no official's change is refused), and only while
   * the encrypted value is still the one decrypted (an erasure or change meanwhile wins). A
   * ticket whose new index would collide with another open ticket's on a unique index (the
   * same citizen filed again while lookups by the old index missed) is left as it was and
   * reported.
   */
  async rebuildBlindIndexes(pii: PiiCrypto, afterId: string, limit: number): Promise<BlindIndexBatch> {
    const columns = BLIND_INDEXED_COLUMNS.map(blindIndexSql);
    const rows: Record<string, string | Buffer | null>[] = await this.db.query(
      `SELECT id, tracking_code, ${columns.map((c) => `${c.hash}, ${c.source}`).join(', ')}
       FROM tickets WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    const batch: BlindIndexBatch = {
      lastId: rows.length ? String(rows[rows.length - 1].id) : null,
      scanned: rows.length,
      rewritten: 0,
      conflicts: [],
    };
    // A ticket's indexes are re-keyed together: the open-duplicate key spans several of them,
    // so re-keying one alone could collide where the whole ticket would not (or the reverse).
    const changes: { id: string; trackingCode: string; hashes: (Buffer | null)[]; sources: (Buffer | null)[] }[] = [];
    for (const row of rows) {
      const sources = columns.map((c) => row[c.source] as Buffer | null);
      const hashes = BLIND_INDEXED_COLUMNS.map((c, i) => (sources[i] ? c.index(pii, pii.decrypt(sources[i]!)) : null));
      const stale = columns.some((c, i) => {
        const stored = row[c.hash] as Buffer | null;
        return hashes[i] !== null && !stored?.equals(hashes[i]!);
      });
      if (stale) changes.push({ id: row.id as string, trackingCode: row.tracking_code as string, hashes, sources });
    }
    const arrays = columns.flatMap((_, i) => [`$${2 * i + 2}::bytea[]`, `$${2 * i + 3}::bytea[]`]).join(', ');
    const names = columns.flatMap((_, i) => [`h${i}`, `s${i}`]).join(', ');
    const write = (some: typeof changes) =>
      this.db.query(
        `UPDATE tickets t SET ${columns.map((c, i) => `${c.hash} = coalesce(v.h${i}, t.${c.hash})`).join(', ')}
         FROM unnest($1::bigint[], ${arrays}) AS v(id, ${names})
         WHERE t.id = v.id AND ${columns.map((c, i) => `t.${c.source} IS NOT DISTINCT FROM v.s${i}`).join(' AND ')}`,
        [
          some.map((c) => c.id),
          ...columns.flatMap((_, i) => [some.map((c) => c.hashes[i]), some.map((c) => c.sources[i])]),
        ],
      ) as Promise<[unknown, number]>;
    if (!changes.length) return batch;
    try {
      batch.rewritten += (await write(changes))[1];
    } catch (err) {
      if (!uniqueViolation(err)) throw err;
      for (const change of changes) {
        try {
          batch.rewritten += (await write([change]))[1];
        } catch (one) {
          const constraint = uniqueViolation(one);
          if (!constraint) throw one;
          batch.conflicts.push({ trackingCode: change.trackingCode, constraint });
        }
      }
    }
    return batch;
  }
}

/** A history entry with every column: no actor, no units, no note unless given; public by its action. */
export function ticketEventRecord(e: NewTicketEvent): TicketEventRecord {
  return {
    actorUserId: null,
    actorUsername: null,
    actorRole: null,
    actorUnitCode: null,
    fromStatus: null,
    toStatus: null,
    fromUnitCode: null,
    toUnitCode: null,
    note: null,
    ...e,
    isPublic: PUBLIC_ACTIONS.has(e.action),
  };
}
