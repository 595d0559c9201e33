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

/** Hashes of the schema (`*_hash bytea`) that the rebuild does not recompute, and why (`table.column`). */
export const NOT_REBUILT: Readonly<Record<string, string>> = {
  'idempotency_keys.request_hash':
    'fingerprints a request body that is not kept, so it cannot be recomputed: the rebuild empties idempotency_keys instead (records live 24 hours)',
  'resend_code_requests.citizen_id_hash':
    'a lost-code request waiting for the worker (seconds; dropped after a day of the service clock): one made just before a key change finds nothing and the citizen asks again',
  'resend_code_requests.phone_hash': 'as resend_code_requests.citizen_id_hash',
  'auth_sessions.token_hash':
    'SHA-256 of a random refresh token, not keyed by BLIND_INDEX_KEY: nothing changes with the key',
  'user_recovery_codes.code_hash': 'SHA-256 of a random recovery code, not keyed: nothing changes with the key',
  'open311_api_keys.key_hash': 'SHA-256 of a random api key, not keyed: nothing changes with the key',
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
