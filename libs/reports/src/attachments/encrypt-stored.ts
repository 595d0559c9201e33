import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AttachmentStore, StagedFile } from './attachment-store';
import { AttachmentType, sniffAttachmentType } from './file-type';
import { imageProblem, reencodeImage } from './proof-content';

/** Runs one SQL statement and gives its rows (a pg Client's or a DataSource's `query`, adapted). */
export type QueryRows = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface EncryptStoredOptions {
  query: QueryRows;
  store: AttachmentStore;
  /** Where progress, failures and the summary go, one line at a time. */
  log: (line: string) => void;
  batchSize?: number;
}

export interface EncryptStoredSummary {
  /** Attachment rows looked at. */
  total: number;
  /** Files sealed by this run (re-encoded first when they are images). */
  done: number;
  /** Of `done`: images the decoder could not read, sealed as they were. */
  sealedAsTheyWere: number;
  /** Files already sealed. */
  skipped: number;
  /** Files left as they were: missing, not what their row says, or an error (each logged). */
  failed: number;
}

/** A file stored before sealing was at most 5 MB. */
const LEGACY_MAX_BYTES = 5 * 1024 * 1024;

interface Row {
  id: string;
  content_type: string;
  storage_key: string;
  sha256: Buffer;
}

/**
 * `npm run attachments:encrypt`: seals every file stored before files were sealed, images
 * re-encoded first (upright, no metadata), as intake does now. For each attachment row, in
 * id order:
 *
 * - a file that already starts with the sealed header is skipped;
 * - else its content is checked against the row (type from its first bytes, SHA-256), the
 *   new sealed file is written beside it, the row gets the new content's size and hash, and
 *   the new file is renamed over the old one (atomic).
 *
 * Kill it at any moment and run it again: a file is either still plaintext (done again from
 * the start; if the row was already updated, the content re-encoded again is recognised by
 * that hash) or sealed (skipped). A second run changes nothing and says so.
 */
export async function encryptStoredAttachments(options: EncryptStoredOptions): Promise<EncryptStoredSummary> {
  const { query, store, log, batchSize = 100 } = options;
  const [{ n }] = await query(`SELECT count(*)::int AS n FROM attachments`);
  const summary: EncryptStoredSummary = { total: 0, done: 0, sealedAsTheyWere: 0, skipped: 0, failed: 0 };
  log(`${n} attachment files to look at`);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = (await query(
      `SELECT id, content_type, storage_key, sha256 FROM attachments
       WHERE id > $1 AND erased_at IS NULL ORDER BY id LIMIT $2`,
      [after, batchSize],
    )) as unknown as Row[];
    if (!rows.length) break;
    for (const row of rows) {
      summary.total++;
      try {
        const outcome = await encryptOne(row, query, store);
        if (outcome === 'skipped') summary.skipped++;
        else summary.done++;
        if (outcome === 'as-it-was') {
          summary.sealedAsTheyWere++;
          log(`attachment ${row.id}: not a decodable image, sealed as it was (its metadata, if any, is kept)`);
        }
      } catch (err) {
        summary.failed++;
        log(`attachment ${row.id}: FAILED, left as it was: ${(err as Error).message}`);
      }
    }
    after = rows[rows.length - 1].id;
    log(
      `${summary.total} of ${n} looked at: ${summary.done} sealed, ${summary.skipped} already sealed, ${summary.failed} failed`,
    );
  }
  if (summary.done === 0 && summary.failed === 0) {
    log(`Nothing to do: all ${summary.skipped} stored files are already sealed.`);
  }
  log(
    `Done: ${summary.done} sealed (${summary.sealedAsTheyWere} of them as they were), ` +
      `${summary.skipped} skipped (already sealed), ${summary.failed} failed.`,
  );
  return summary;
}

async function encryptOne(
  row: Row,
  query: QueryRows,
  store: AttachmentStore,
): Promise<'skipped' | 'sealed' | 'as-it-was'> {
  const sealed = await store.isSealed(row.storage_key).catch((err: { code?: string }) => {
    throw err.code === 'ENOENT' ? new Error('the file is missing') : err;
  });
  if (sealed) return 'skipped';
  const original = await store.readUnsealed(row.storage_key, LEGACY_MAX_BYTES);
  const type = sniffAttachmentType(original);
  if (type !== row.content_type) throw new Error(`the file is not a ${row.content_type}`);

  let outcome: 'sealed' | 'as-it-was' = 'sealed';
  let staged: StagedFile;
  try {
    staged = await store.stage(row.storage_key, contentOf(original, type));
  } catch (err) {
    if (!imageProblem(err)) throw err;
    // Stored before intake decoded images: better sealed as it is than left readable.
    staged = await store.stage(row.storage_key, original);
    outcome = 'as-it-was';
  }
  try {
    const matchesRow =
      createHash('sha256').update(original).digest().equals(row.sha256) ||
      // A run stopped between the row's update and the swap: the row already names this content.
      staged.sha256.equals(row.sha256);
    if (!matchesRow) throw new Error('the file is not the one its row records (its SHA-256 differs)');
    await query(`UPDATE attachments SET size = $2, sha256 = $3 WHERE id = $1`, [row.id, staged.size, staged.sha256]);
    await staged.commit();
    return outcome;
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

function contentOf(original: Buffer, type: AttachmentType): Buffer | Readable {
  return type === 'application/pdf' ? original : reencodeImage(original, type);
}
