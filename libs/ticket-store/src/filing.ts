import { TICKET_COLUMNS, TICKET_KEYS, TicketRecord, columnArrays, columnNames, unnestColumns } from './ticket-columns';
import { outboxInsertSql } from './relay';
import { OPEN_STATUS_SQL, TicketAction, TicketStatus } from './ticket-status';

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
 * all the SLA sweeper needs to pick them up), each one's public FILED and ASSIGNED events (and
 * their rows in the relay's outbox, relay.ts), its proof files and its retry receipt. Data-modifying CTEs run once and together, so either all
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
  RETURNING id, action
), relayed AS (
  ${outboxInsertSql('events')}
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

export function filingParameters(filings: readonly Filing[], openLimit: number): unknown[] {
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
