import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { parseKey } from './pii-crypto';

/**
 * Files sealed at rest (the citizens' proof photos), under the PII key family.
 *
 * Layout (all integers big-endian):
 *
 *     magic "\x89PAF" (4) | version 1 (1) | key id (1) | salt (16) | nonce prefix (7)   ← header, 29 bytes
 *     chunk 0 | chunk 1 | … | last chunk                                                 ← AES-256-GCM
 *
 * Each chunk is the ciphertext of 64 KiB of plaintext (the last one 0–64 KiB) followed by its
 * 16-byte tag. Its nonce is the prefix, a 32-bit chunk counter and a flag byte that is 1 on the
 * last chunk only, so reordering, dropping, truncating or extending the chunks all fail to
 * authenticate (the "STREAM" construction). The key of a file is HKDF-SHA256 of the PII key
 * named by the key id, with the file's random salt and a purpose of its own, so no two files
 * share a key and no file key is a column key. Every chunk's associated data is the header
 * and the caller's context (the file's storage key), so a file moved under another name, or
 * with a header changed, does not open either.
 *
 * Keys rotate as for columns: files are sealed under PII_KEY (id PII_KEY_ID), and files sealed
 * under a key now listed in PII_PREVIOUS_KEYS still open.
 */
export const SEALED_FILE_MAGIC = Buffer.from([0x89, 0x50, 0x41, 0x46]);
const VERSION = 1;
const SALT_BYTES = 16;
const PREFIX_BYTES = 7;
export const SEALED_HEADER_BYTES = SEALED_FILE_MAGIC.length + 2 + SALT_BYTES + PREFIX_BYTES;
export const SEALED_CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK = SEALED_CHUNK_BYTES + TAG_BYTES;
const PURPOSE = 'phananh:attachments';

/** A sealed file that does not open: tampered, truncated, extended, moved, or under a key we do not hold. */
export class SealedFileError extends Error {
  constructor(reason: string) {
    super(`Sealed file does not open: ${reason}`);
    this.name = 'SealedFileError';
  }
}

/** Whether these first bytes of a file are the header of a sealed file (else it is stored as it came). */
export function isSealedFile(head: Buffer): boolean {
  return (
    head.length >= SEALED_FILE_MAGIC.length && head.subarray(0, SEALED_FILE_MAGIC.length).equals(SEALED_FILE_MAGIC)
  );
}

/**
 * The length of the plaintext of a sealed file of `sealedSize` bytes, from the layout alone
 * (null when no sealed file has that size). Opening the file is still what proves it.
 */
export function sealedPlaintextSize(sealedSize: number): number | null {
  const body = sealedSize - SEALED_HEADER_BYTES;
  if (body < TAG_BYTES) return null;
  const chunks = Math.ceil(body / SEALED_CHUNK);
  const last = body - (chunks - 1) * SEALED_CHUNK;
  return last < TAG_BYTES ? null : body - chunks * TAG_BYTES;
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(counter, PREFIX_BYTES);
  n[11] = last ? 1 : 0;
  return n;
}

/** Seals and opens files; one instance per process, built from the PII key family. */
export class FileCrypto {
  private readonly masters = new Map<number, Buffer>();

  /** The same three settings as PiiCrypto: PII_KEY, PII_KEY_ID, PII_PREVIOUS_KEYS (`id=key,…`). */
  constructor(
    currentKey: string,
    private readonly currentId = 1,
    previous = '',
  ) {
    this.masters.set(currentId, parseKey(currentKey));
    for (const entry of previous.split(',').filter(Boolean)) {
      const eq = entry.indexOf('=');
      this.masters.set(Number(entry.slice(0, eq)), parseKey(entry.slice(eq + 1)));
    }
  }

  /** A Transform from the plaintext to the sealed file; `context` must be given again to open it. */
  sealStream(context: string): Transform {
    const salt = randomBytes(SALT_BYTES);
    const prefix = randomBytes(PREFIX_BYTES);
    const header = Buffer.concat([SEALED_FILE_MAGIC, Buffer.from([VERSION, this.currentId]), salt, prefix]);
    const key = this.fileKey(this.masters.get(this.currentId)!, salt);
    const aad = Buffer.concat([header, Buffer.from(context, 'utf8')]);
    let counter = 0;
    let headerSent = false;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const seal = (plain: Buffer, last: boolean): Buffer => {
      const cipher = createCipheriv('aes-256-gcm', key, nonce(prefix, counter++, last));
      cipher.setAAD(aad);
      return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    };
    return new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        if (!headerSent) {
          this.push(header);
          headerSent = true;
        }
        pending.push(chunk);
        pendingBytes += chunk.length;
        // Strictly more than a chunk: the last chunk is only known at the end, and may be a full one.
        if (pendingBytes > SEALED_CHUNK_BYTES) {
          let all = Buffer.concat(pending);
          while (all.length > SEALED_CHUNK_BYTES) {
            this.push(seal(all.subarray(0, SEALED_CHUNK_BYTES), false));
            all = all.subarray(SEALED_CHUNK_BYTES);
          }
          pending = [all];
          pendingBytes = all.length;
        }
        done();
      },
      flush(done: TransformCallback) {
        if (!headerSent) this.push(header);
        this.push(seal(Buffer.concat(pending), true));
        done();
      },
    });
  }

  /**
   * A Transform from a sealed file to its plaintext. A chunk is passed on only once its tag
   * has been checked; any failure (SealedFileError) ends the stream with an error.
   */
  openStream(context: string): Transform {
    const masters = this.masters;
    const fileKey = (master: Buffer, salt: Buffer) => this.fileKey(master, salt);
    let header: Buffer | null = null;
    let key: Buffer;
    let prefix: Buffer;
    let aad: Buffer;
    let counter = 0;
    let buffered: Buffer = Buffer.alloc(0);
    const open = (sealed: Buffer, last: boolean): Buffer => {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce(prefix, counter++, last));
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new SealedFileError(
          last ? 'the last chunk does not authenticate' : `chunk ${counter - 1} does not authenticate`,
        );
      }
    };
    const readHeader = (): void => {
      const h = buffered.subarray(0, SEALED_HEADER_BYTES);
      if (!isSealedFile(h)) throw new SealedFileError('no header');
      if (h[SEALED_FILE_MAGIC.length] !== VERSION) throw new SealedFileError('unknown version');
      const id = h[SEALED_FILE_MAGIC.length + 1];
      const master = masters.get(id);
      if (!master) throw new SealedFileError(`no PII key with id ${id}`);
      const salt = h.subarray(SEALED_FILE_MAGIC.length + 2, SEALED_FILE_MAGIC.length + 2 + SALT_BYTES);
      prefix = Buffer.from(h.subarray(SEALED_HEADER_BYTES - PREFIX_BYTES));
      key = fileKey(master, salt);
      header = Buffer.from(h);
      aad = Buffer.concat([header, Buffer.from(context, 'utf8')]);
      buffered = buffered.subarray(SEALED_HEADER_BYTES);
    };
    return new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        try {
          buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
          if (!header && buffered.length >= SEALED_HEADER_BYTES) readHeader();
          if (header) {
            // Strictly more than a sealed chunk: the last one must be opened as the last.
            while (buffered.length > SEALED_CHUNK) {
              this.push(open(buffered.subarray(0, SEALED_CHUNK), false));
              buffered = buffered.subarray(SEALED_CHUNK);
            }
          }
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      flush(done: TransformCallback) {
        try {
          if (!header) throw new SealedFileError('truncated header');
          if (buffered.length < TAG_BYTES) throw new SealedFileError('truncated');
          this.push(open(buffered, true));
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    });
  }

  /** Seals a whole buffer (small files, tests). */
  seal(plain: Buffer, context: string): Promise<Buffer> {
    return collect(this.sealStream(context), plain);
  }

  /** Opens a whole sealed buffer (small files, tests). */
  open(sealed: Buffer, context: string): Promise<Buffer> {
    return collect(this.openStream(context), sealed);
  }

  private fileKey(master: Buffer, salt: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', master, salt, PURPOSE, 32));
  }
}

function collect(transform: Transform, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    transform.on('data', (c: Buffer) => out.push(c));
    transform.on('end', () => resolve(Buffer.concat(out)));
    transform.on('error', reject);
    transform.end(input);
  });
}
