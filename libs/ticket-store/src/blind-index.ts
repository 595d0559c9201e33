import { PiiCrypto } from '@phananh/core';
import { TICKET_COLUMNS, TicketRecord } from './ticket-columns';

/** A column of `tickets` that holds a blind index, the encrypted column it is computed from, and how. */
export interface BlindIndexedColumn {
  hash: keyof TicketRecord;
  source: keyof TicketRecord;
  /** The very computation intake uses for this column. */
  index(pii: PiiCrypto, plain: string): Buffer;
}

/**
 * Every blind index stored in `tickets`, in ONE place: what `npm run blind-index:rebuild`
 * recomputes after BLIND_INDEX_KEY changes (and what it recomputes from). A new blind index
 * is added here; blind-index.spec.ts fails while a `*_hash` column of the
 * schema is neither here nor in NOT_REBUILT.
 */
export const BLIND_INDEXED_COLUMNS: readonly BlindIndexedColumn[] = [
  { hash: 'citizenIdHash', source: 'citizenIdEnc', index: (pii, citizenId) => pii.blindIndex(citizenId) },
  { hash: 'phoneHash', source: 'phoneEnc', index: (pii, phone) => pii.blindIndex(phone) },
];

/** Keyed hashes of the schema that the rebuild does not recompute, and why (`table.column`). */
export const NOT_REBUILT: Readonly<Record<string, string>> = {
  'idempotency_keys.request_hash':
    'fingerprints a request body that is not kept, so it cannot be recomputed: the rebuild empties idempotency_keys instead (records live 24 hours)',
};

/** What one batch of the rebuild did. */
export interface BlindIndexBatch {
  /** The highest ticket id read (resume after it); null when there was nothing after `afterId`. */
  lastId: string | null;
  scanned: number;
  /** Tickets re-keyed (a ticket whose indexes were already right under the current key is not written). */
  rewritten: number;
  /** Tickets whose new indexes collide with another open ticket's on a unique index: left as they were. */
  conflicts: { trackingCode: string; constraint: string }[];
}

export const blindIndexSql = (column: BlindIndexedColumn) => ({
  hash: TICKET_COLUMNS[column.hash][0],
  source: TICKET_COLUMNS[column.source][0],
});
