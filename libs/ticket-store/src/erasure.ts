import { TICKET_COLUMNS, TicketRecord } from './ticket-columns';
import { OPEN_STATUS_SQL } from './ticket-status';

/**
 * The fields the retention job erases: identity number (sealed, blind index, masked), phone
 * (sealed, masked), name, date of birth and every free text. What stays — status, unit,
 * issue, dose number, vaccine, dates, the rejection's reason code, the SLA columns and the
 * cutoff flag — is what the figures count, and none of it names the citizen.
 */
export const ERASED_TICKET_FIELDS = [
  'citizenName', 'citizenDob', 'citizenIdEnc', 'citizenIdHash', 'citizenIdMasked', 'phoneEnc', 'phoneHash', 'phoneMasked',
  'facilityName', 'lotNumber', 'description', 'resolution', 'rejectionNote', 'emailEnc',
] as const satisfies readonly (keyof TicketRecord)[]; // prettier-ignore

/**
 * A closed ticket whose personal data is still there: the predicate of ix_tickets_pii_retention
 * (resolve and reject set closed_at, reopen clears it). The status is checked again by the
 * erasure itself: repeated here, it would make the planner, which cannot know that closed_at
 * implies a closed status, expect too few rows and read a whole campaign into a bitmap.
 */
const ERASABLE = `t.pii_erased_at IS NULL AND t.closed_at IS NOT NULL`;

/** The campaigns whose cutoff is at or before $1 (now − RETENTION_DAYS): their closed tickets are due for erasure. */
export const CAMPAIGNS_PAST_RETENTION_SQL = `SELECT code FROM campaigns WHERE cutoff_at <= $1 ORDER BY code`;

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
export const ERASE_SQL = `
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
