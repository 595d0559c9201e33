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
import { OPEN_STATUS_SQL, PUBLIC_ACTIONS, TicketAction, TicketStatus } from './ticket-status';

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A proof file of a filing, already stored (the file store's key). */
export interface FiledAttachment {
  contentType: string;
  size: number;
  sha256: Buffer;
  storageKey: string;
}

/** The answer a retry with the same Idempotency-Key gets, written with the ticket so that neither exists without the other. */
export interface FilingReceipt {
  key: string;
  requestHash: Buffer;
  response: unknown;
}

/** A citizen's report as it is written: the ticket, its proof files, and its receipt for retries. */
export interface Filing {
  ticket: TicketRecord;
  files: FiledAttachment[];
  receipt: FilingReceipt | null;
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

export const TRACKING_CODE_CONSTRAINT = 'ux_tickets_tracking_code';
export const IDEMPOTENCY_CONSTRAINT = 'pk_idempotency_keys';
/** One open report per citizen, issue, dose number and phone (the filing's ON CONFLICT target). */
export const OPEN_DUPLICATE_CONSTRAINT = 'ux_tickets_open_duplicate';

const FILING_ARRAYS = TICKET_KEYS.length;
/** The statement's last parameter: how many open reports one identity number may have. */
const OPEN_LIMIT_PARAM = FILING_ARRAYS + 10;

/** The namespace (first key) of the per-identity advisory locks taken around a filing statement. */
const OPEN_LIMIT_LOCK = 'phananh:open-reports-per-citizen';

/**
 * The statement that takes, in sorted order, the transaction-level advisory lock of each
 * identity number (by its blind index) that a filing statement is about to count: filings of
 * one identity number then never judge the limit at the same time. Run it inside a transaction,
 * before the statement that counts. The keys are integers of our own making, spelled into the
 * text so that it needs no parameter; the second key is 32 bits of the blind index (two
 * identity numbers sharing it only wait for each other).
 */
export function identityLocksSql(citizenIdHashes: readonly Buffer[]): string {
  const keys = [...new Set(citizenIdHashes.map((h) => h.readInt32BE(0)))].sort((a, b) => a - b);
  return `SELECT pg_advisory_xact_lock(hashtext('${OPEN_LIMIT_LOCK}'), k) FROM unnest('{${keys.join(',')}}'::int[]) AS k ORDER BY k`;
}

/** What became of one filing of a statement. */
export type FilingOutcome =
  /** Written, with its events, files and receipt. */
  | 'created'
  /** Not written: an open report of the same citizen, issue, dose and phone exists (or came first in the statement). */
  | 'duplicate'
  /** Not written: the identity number already has as many open reports as it may. */
  | 'limit';

/** The earliest open report of the input row's citizen, issue and dose, whatever its phone: a possible duplicate. */
const EARLIER_OPEN = `SELECT o.id FROM tickets o
    WHERE o.citizen_id_hash = i.citizen_id_hash AND o.issue_type = i.issue_type
      AND coalesce(o.dose_number, 0) = coalesce(i.dose_number, 0) AND o.status IN ${OPEN_STATUS_SQL}
    ORDER BY o.id LIMIT 1`;

/**
 * One statement files any number of reports: the tickets (with their SLA columns, which is
 * all the SLA sweeper needs to pick them up), each one's public FILED and ASSIGNED events, its
 * proof files and its retry receipt. Data-modifying CTEs run once and together, so either all
 * of it is committed or none. It answers one row per input row, in input order, with its
 * outcome (FilingOutcome):
 *
 * - `duplicate`: the citizen has an open report on the same issue and dose with the same
 *   phone (ux_tickets_open_duplicate, phone_hash included; no phone never matches), or an
 *   earlier row of the statement is one (the first of them decides for all). A concurrent
 *   statement that commits the same key first makes the ON CONFLICT skip the row: also `duplicate`.
 * - `limit`: not a duplicate, and the citizen's open reports (counted on the index's prefix
 *   citizen_id_hash) plus the earlier new rows of the same citizen in this statement would
 *   exceed the limit (the last parameter). Two statements running at the same instant do not
 *   see each other's rows: TicketStore.file runs it after taking a lock per identity number
 *   (fileLocked), so that they cannot pass the limit together.
 * - `created`: written; a report from another phone than an open one of the same citizen,
 *   issue and dose is linked to the earliest such report (duplicate_of).
 *
 * A new report is written by the same statement, with the same index probes, whether or not
 * its citizen has other open reports: nothing in its answer or its timing tells them apart.
 * A tracking code or idempotency key that is already taken raises a unique
 * violation for the whole statement.
 */
export const FILE_TICKETS_SQL = `
WITH input AS (
  SELECT * FROM ${unnestColumns(TICKET_COLUMNS, TICKET_KEYS, 1, 'i')}
), keyed AS (
  SELECT i.*,
    -- The first row of its duplicate key in the statement (a row without phone is a key of its own).
    min(i.ord) OVER (PARTITION BY i.citizen_id_hash, i.issue_type, coalesce(i.dose_number, 0), i.phone_hash,
                                  CASE WHEN i.phone_hash IS NULL THEN i.ord END) AS lead_ord,
    EXISTS (SELECT 1 FROM tickets o
            WHERE o.citizen_id_hash = i.citizen_id_hash AND o.issue_type = i.issue_type
              AND coalesce(o.dose_number, 0) = coalesce(i.dose_number, 0) AND o.phone_hash = i.phone_hash
              AND o.status IN ${OPEN_STATUS_SQL}) AS open_duplicate,
    (SELECT count(*) FROM tickets o
     WHERE o.citizen_id_hash = i.citizen_id_hash AND o.status IN ${OPEN_STATUS_SQL}) AS open_count
  FROM input i
), judged AS (
  SELECT k.*, CASE
      WHEN k.open_duplicate THEN 'duplicate'
      WHEN k.ord <> k.lead_ord THEN NULL
      WHEN k.open_count + count(*) FILTER (WHERE k.ord = k.lead_ord AND NOT k.open_duplicate)
             OVER (PARTITION BY k.citizen_id_hash ORDER BY k.ord) > $${OPEN_LIMIT_PARAM}::int THEN 'limit'
      ELSE 'file' END AS verdict
  FROM keyed k
), decided AS (
  -- A later row of a key follows its first: refused with it, else its duplicate.
  SELECT j.*, coalesce(j.verdict,
                       CASE WHEN first_value(j.verdict) OVER (PARTITION BY j.lead_ord ORDER BY j.ord) = 'limit'
                            THEN 'limit' ELSE 'duplicate' END) AS outcome
  FROM judged j
), ticket AS (
  INSERT INTO tickets (${columnNames(TICKET_COLUMNS, TICKET_KEYS)})
  SELECT ${TICKET_KEYS.map((k) => (k === 'duplicateOf' ? `coalesce(i.duplicate_of, (${EARLIER_OPEN}))` : `i.${TICKET_COLUMNS[k][0]}`)).join(', ')}
  FROM decided i WHERE i.outcome = 'file' ORDER BY ord
  ON CONFLICT (citizen_id_hash, issue_type, (coalesce(dose_number, 0)), phone_hash) WHERE status IN ${OPEN_STATUS_SQL}
  DO NOTHING
  RETURNING id, tracking_code
), events AS (
  INSERT INTO ticket_events (ticket_id, at, action, to_status, to_unit_code, is_public)
  SELECT t.id, i.received_at, e.action, i.status, CASE WHEN e.ord = 2 THEN i.unit_code END, true
  FROM ticket t JOIN input i USING (tracking_code),
       (VALUES (1, '${TicketAction.Filed}'), (2, '${TicketAction.Assigned}')) AS e (ord, action)
  ORDER BY t.id, e.ord
  RETURNING id
), files AS (
  INSERT INTO attachments (ticket_id, content_type, size, sha256, storage_key, created_at)
  SELECT t.id, f.content_type, f.size, f.sha256, f.storage_key, i.received_at
  FROM unnest($${FILING_ARRAYS + 1}::text[], $${FILING_ARRAYS + 2}::text[], $${FILING_ARRAYS + 3}::int[],
              $${FILING_ARRAYS + 4}::bytea[], $${FILING_ARRAYS + 5}::text[])
         WITH ORDINALITY AS f (tracking_code, content_type, size, sha256, storage_key, ord)
  JOIN ticket t USING (tracking_code) JOIN input i USING (tracking_code)
  ORDER BY f.ord
  RETURNING id
), receipt AS (
  INSERT INTO idempotency_keys (key, request_hash, status_code, response, created_at)
  SELECT r.key, r.request_hash, 201, r.response::jsonb, i.received_at
  FROM unnest($${FILING_ARRAYS + 6}::text[], $${FILING_ARRAYS + 7}::text[], $${FILING_ARRAYS + 8}::bytea[],
              $${FILING_ARRAYS + 9}::text[]) AS r (tracking_code, key, request_hash, response)
  JOIN ticket t USING (tracking_code) JOIN input i USING (tracking_code)
  RETURNING key
)
SELECT d.tracking_code AS "trackingCode",
       CASE WHEN t.id IS NOT NULL THEN 'created' WHEN d.outcome = 'limit' THEN 'limit' ELSE 'duplicate' END AS outcome
FROM decided d LEFT JOIN ticket t USING (tracking_code)
ORDER BY d.ord`;

function filingParameters(filings: readonly Filing[], openLimit: number): unknown[] {
  const files = filings.flatMap((f) => f.files.map((file) => ({ trackingCode: f.ticket.trackingCode, ...file })));
  const receipts = filings.flatMap((f) => (f.receipt ? [{ trackingCode: f.ticket.trackingCode, ...f.receipt }] : []));
  return [
    ...columnArrays(
      TICKET_KEYS,
      filings.map((f) => f.ticket),
    ),
    ...columnArrays(['trackingCode', 'contentType', 'size', 'sha256', 'storageKey'], files),
    receipts.map((r) => r.trackingCode),
    receipts.map((r) => r.key),
    receipts.map((r) => r.requestHash),
    receipts.map((r) => JSON.stringify(r.response)),
    openLimit,
  ];
}

/**
 * The fields the retention job erases: identity number (sealed, blind index, masked), phone
 * (sealed, masked), name, date of birth and every free text. What stays — status, unit,
 * issue, dose number, vaccine, dates, the rejection's reason code, the SLA columns and the
 * cutoff flag — is what the figures count, and none of it names the citizen.
 */
export const ERASED_TICKET_FIELDS = [
  'citizenName', 'citizenDob', 'citizenIdEnc', 'citizenIdHash', 'citizenIdMasked', 'phoneEnc', 'phoneHash', 'phoneMasked',
  'facilityName', 'lotNumber', 'description', 'resolution', 'rejectionNote',
] as const satisfies readonly (keyof TicketRecord)[]; // prettier-ignore

/**
 * A closed ticket whose personal data is still there: the predicate of ix_tickets_pii_retention
 * (resolve and reject set closed_at, reopen clears it). The status is checked again by the
 * erasure itself: repeated here, it would make the planner, which cannot know that closed_at
 * implies a closed status, expect too few rows and read a whole campaign into a bitmap.
 */
const ERASABLE = `t.pii_erased_at IS NULL AND t.closed_at IS NOT NULL`;

/** The campaigns whose cutoff is at or before $1 (now − RETENTION_DAYS): their closed tickets are due for erasure. */
const CAMPAIGNS_PAST_RETENTION_SQL = `SELECT code FROM campaigns WHERE cutoff_at <= $1 ORDER BY code`;

/**
 * The retention job's claims: the closed tickets of one campaign ($1: its code, $2: the batch
 * size), oldest closing first, and the closed tickets outside any campaign closed at or before
 * $1 (now − RETENTION_DAYS; $2: the batch size). Each walks ix_tickets_pii_retention and stops
 * when the batch is full, whatever the number of rows due, and locks its rows so that another
 * worker skips them (exported so that a test EXPLAINs exactly these statements). The first
 * one's ORDER BY is what keeps the planner from reading a whole campaign's range into a bitmap
 * first; the second has none, since PostgreSQL does not take `campaign_code IS NULL` as an
 * equality that leaves the index ordered by closed_at, and would sort every row due (its range
 * scan returns them oldest first all the same). A ticket still open is never claimed: it is
 * erased once closed.
 */
export const CLAIM_ERASABLE_IN_CAMPAIGN_SQL = `
  SELECT t.id FROM tickets t
  WHERE ${ERASABLE} AND t.campaign_code = $1
  ORDER BY t.closed_at
  LIMIT $2
  FOR UPDATE OF t SKIP LOCKED`;
export const CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL = `
  SELECT t.id FROM tickets t
  WHERE ${ERASABLE} AND t.campaign_code IS NULL AND t.closed_at <= $1
  LIMIT $2
  FOR UPDATE OF t SKIP LOCKED`;

/**
 * Erases the claimed tickets ($1 ids, $2 now): their personal fields, the notes of their
 * history, and their attachments' hashes (the files themselves are removed after the commit:
 * TicketStore.filesToRemove). The version moves, so that a workflow action read before
 * the erasure gets its 409 rather than writing over it.
 */
const ERASE_SQL = `
WITH erased AS (
  UPDATE tickets t
  SET ${ERASED_TICKET_FIELDS.map((k) => `${TICKET_COLUMNS[k][0]} = NULL`).join(', ')},
      pii_erased_at = $2, version = t.version + 1
  WHERE t.id = ANY ($1::bigint[]) AND t.pii_erased_at IS NULL AND t.status NOT IN ${OPEN_STATUS_SQL}
  RETURNING t.id
), notes AS (
  UPDATE ticket_events e SET note = NULL
  FROM erased WHERE e.ticket_id = erased.id AND e.note IS NOT NULL
  RETURNING e.id
), files AS (
  UPDATE attachments a SET sha256 = NULL, erased_at = $2
  FROM erased WHERE a.ticket_id = erased.id AND a.erased_at IS NULL
  RETURNING a.id
)
SELECT (SELECT count(*)::int FROM erased) AS tickets, (SELECT count(*)::int FROM notes) AS notes,
       (SELECT count(*)::int FROM files) AS files`;

/** What one erasure batch did: tickets erased, history notes erased, attachments whose file is now due for removal. */
export interface ErasedBatch {
  tickets: number;
  notes: number;
  files: number;
}

/** A file of an erased ticket still in the attachment store. */
export interface FileToRemove {
  id: string;
  storageKey: string;
}

/** UPDATE … RETURNING through TypeORM's postgres driver answers [rows, rowCount]. */
function updatedRows(result: unknown): unknown[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? result[0] : (result as unknown[]);
}

/**
 * The one writer of `tickets` and `ticket_events`: filing, appending history, the workflow's
 * versioned updates, the SLA ladder, the cutoff flag and the erasure of personal data at the
 * end of retention all go through here (with the attachments' rows, written with their ticket), so the columns,
 * the open statuses and the history's shape are known in one place. Reads stay with the
 * modules that need them (they select through TICKET_ROW_SELECT / ticketSelect).
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

  /** Appends history entries, in the given order. */
  async appendEvents(q: Queryable, events: readonly NewTicketEvent[]): Promise<void> {
    if (!events.length) return;
    const records = events.map(ticketEventRecord);
    const columns = columnNames(TICKET_EVENT_COLUMNS, TICKET_EVENT_KEYS);
    await q.query(
      `INSERT INTO ticket_events (${columns})
       SELECT ${columns} FROM ${unnestColumns(TICKET_EVENT_COLUMNS, TICKET_EVENT_KEYS, 1, 'e')} ORDER BY ord`,
      columnArrays(TICKET_EVENT_KEYS, records),
    );
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

/** A new ticket's record as intake files it: assigned, on a fresh ladder, nothing resolved yet. */
export function newTicketRecord(
  fields: Omit<
    TicketRecord,
    | 'status'
    | 'overdueSince'
    | 'cutoffMissed'
    | 'resolution'
    | 'rejectionReasonCode'
    | 'rejectionNote'
    | 'duplicateOf'
    | 'mergedInto'
    | 'version'
    | 'updatedAt'
    | 'closedAt'
    | 'piiErasedAt'
  >,
): TicketRecord {
  return {
    ...fields,
    status: TicketStatus.Assigned,
    overdueSince: null,
    cutoffMissed: false,
    resolution: null,
    rejectionReasonCode: null,
    rejectionNote: null,
    duplicateOf: null,
    mergedInto: null,
    version: 1,
    updatedAt: fields.receivedAt,
    closedAt: null,
    piiErasedAt: null,
  };
}
