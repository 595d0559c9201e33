import { TicketRecord, ticketSelect } from '@phananh/ticket-store';

/** The fields of a linked report that the side-by-side comparison reads. */
export const DUPLICATE_KEYS = [
  'trackingCode', 'status', 'issueType', 'receivedAt', 'dueAt', 'unitCode', 'citizenName', 'citizenIdEnc',
  'citizenIdMasked', 'phoneEnc', 'phoneMasked', 'doseNumber', 'vaccineCode', 'vaccinatedOn', 'doseWardCode',
  'facilityName', 'lotNumber', 'description',
] as const satisfies readonly (keyof TicketRecord)[]; // prettier-ignore

export type DuplicateRow = Pick<TicketRecord, (typeof DUPLICATE_KEYS)[number]> & {
  id: string;
  samePhone: boolean;
  attachmentCount: number;
};

/**
 * The ids of the reports linked to ticket `$1` through duplicate_of, either way, up to two
 * hops (its earlier report, the reports linked to that one, the reports linked to it and
 * theirs), by the primary key and ix_tickets_duplicate_of. `linked` is the CTE to read.
 */
export const LINKED_TICKETS_CTE = `
  linked (id, depth) AS (
    SELECT $1::bigint, 0
    UNION
    SELECT n.id, l.depth + 1
    FROM linked l CROSS JOIN LATERAL (
      SELECT p.duplicate_of FROM tickets p WHERE p.id = l.id AND p.duplicate_of IS NOT NULL
      UNION ALL
      SELECT c.id FROM tickets c WHERE c.duplicate_of = l.id
    ) n (id)
    WHERE l.depth < 2
  )`;

/** At most this many linked reports are shown (intake links only to open reports, so there are few). */
export const MAX_POSSIBLE_DUPLICATES = 20;

/** The linked reports of ticket `$1` within a reach predicate on `d` (its parameters from `$2`). */
export function possibleDuplicatesSql(reach: string): string {
  return `
    WITH RECURSIVE ${LINKED_TICKETS_CTE}
    SELECT ${ticketSelect(DUPLICATE_KEYS, 'd')},
           coalesce(d.phone_hash = t.phone_hash, false) AS "samePhone",
           (SELECT count(*)::int FROM attachments a WHERE a.ticket_id = d.id) AS "attachmentCount"
    FROM (SELECT DISTINCT id FROM linked WHERE id <> $1) l
    JOIN tickets d ON d.id = l.id
    JOIN tickets t ON t.id = $1
    WHERE ${reach}
    ORDER BY d.received_at, d.id
    LIMIT ${MAX_POSSIBLE_DUPLICATES}`;
}

/** For a merge of ticket `$1` into ticket `$2`: whether both are the same citizen's, and whether they are linked. */
export const MERGE_PAIR_SQL = `
  WITH RECURSIVE ${LINKED_TICKETS_CTE}
  SELECT m.citizen_id_hash = k.citizen_id_hash AS "sameCitizen",
         EXISTS (SELECT 1 FROM linked WHERE id = $2::bigint) AS linked
  FROM tickets m JOIN tickets k ON k.id = $2::bigint
  WHERE m.id = $1::bigint`;

/**
 * The files a ticket `$1` shows (none once erased): its own, then those of the reports merged into it (by
 * ix_attachments_ticket and ix_tickets_merged_into), each with the code it came from.
 */
export const TICKET_FILES_SQL = `
  SELECT a.id, a.content_type AS "contentType", a.size, NULL AS "fromTrackingCode", 0 AS src, a.created_at
  FROM attachments a WHERE a.ticket_id = $1 AND a.erased_at IS NULL
  UNION ALL
  SELECT a.id, a.content_type, a.size, m.tracking_code, 1, a.created_at
  FROM tickets m JOIN attachments a ON a.ticket_id = m.id WHERE m.merged_into = $1 AND a.erased_at IS NULL
  ORDER BY src, created_at, id`;

/**
 * The file `$2` of the ticket with tracking code `$1`, its own or one of a report merged into
 * it, within a reach predicate on `t` (its parameters from `$3`). Each owner's files are read
 * by ix_attachments_ticket: an OR over ticket_id would scan every attachment.
 */
export function ticketFileSql(reach: string): string {
  return `
    SELECT a.id, a.content_type AS "contentType", a.size, a.storage_key AS "storageKey", a.sha256
    FROM tickets t
    CROSS JOIN LATERAL (SELECT t.id UNION ALL SELECT m.id FROM tickets m WHERE m.merged_into = t.id) o (ticket_id)
    JOIN attachments a ON a.ticket_id = o.ticket_id
    WHERE t.tracking_code = $1 AND a.id::text = $2 AND a.erased_at IS NULL AND ${reach}`;
}
