import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig, FileCrypto, SEALED_FILE_MAGIC, SealedFileError, isSealedFile } from '@phananh/core';

export interface StoredFile {
  /** Opaque key to find the file again; kept in attachments.storage_key. */
  key: string;
  /** Size and SHA-256 of the content (what `open` gives back), not of the sealed bytes on disk. */
  size: number;
  sha256: Buffer;
}

/** A file ready to be read: its content, checked whole before the first byte is handed over. */
export interface OpenedAttachment {
  stream: Readable;
  size: number;
  /** False for a file stored before files were sealed (`npm run attachments:encrypt` seals those). */
  sealed: boolean;
}

/** A sealed file written beside the one it replaces, not yet in its place. */
export interface StagedFile {
  size: number;
  sha256: Buffer;
  /** Puts it in place of the old file, atomically (a rename). */
  commit(): Promise<void>;
  /** Removes it, leaving the old file as it was. */
  discard(): Promise<void>;
}

/**
 * A stored file that does not open (tampered, truncated, moved, under a key the service does
 * not hold) or whose content is not the one its row names. Never served.
 */
export class AttachmentIntegrityError extends Error {
  constructor(key: string, reason: string) {
    super(`Stored attachment ${key} failed its integrity check: ${reason}`);
    this.name = 'AttachmentIntegrityError';
  }
}

/**
 * Where attached files live. Files are never served publicly: only an official's endpoint
 * reads them, through `open`. They are sealed at rest (FileCrypto, under the PII key family).
 * Local directory now; an S3-compatible store can implement the same methods.
 */
export abstract class AttachmentStore {
  /** Seals and stores new content under a new key. */
  abstract put(content: Buffer | Readable): Promise<StoredFile>;
  /**
   * The content of a stored file, authenticated whole before it is handed over, and compared
   * with `sha256` when given. Rejects with ENOENT when there is no file, with
   * AttachmentIntegrityError when it does not open or does not match.
   */
  abstract open(key: string, sha256?: Buffer): Promise<OpenedAttachment>;
  /** Whether the stored file is sealed; rejects (ENOENT) when there is none. */
  abstract isSealed(key: string): Promise<boolean>;
  /** The raw bytes of a file stored before files were sealed (at most `maxBytes`). */
  abstract readUnsealed(key: string, maxBytes: number): Promise<Buffer>;
  /** Seals new content for an existing key beside the current file; `commit` swaps it in. */
  abstract stage(key: string, content: Buffer | Readable): Promise<StagedFile>;
  /** Removes a file; removing a missing one is not an error. */
  abstract remove(key: string): Promise<void>;
}

/** Keys are `<2 hex>/<uuid>`: nothing a caller controls, so no path can escape the directory. */
const KEY = /^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A file being sealed in place of another one, beside it (npm run attachments:encrypt). */
const STAGING_SUFFIX = '.sealing';

/** Counts and hashes what passes through. */
function meter(): { transform: Transform; result: () => { size: number; sha256: Buffer } } {
  const hash = createHash('sha256');
  let size = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { transform, result: () => ({ size, sha256: hash.digest() }) };
}

const asStream = (content: Buffer | Readable): Readable =>
  Buffer.isBuffer(content) ? Readable.from([content], { objectMode: false }) : content;

/** Files under ATTACHMENTS_DIR, fanned out over 256 sub-directories, readable by the service's user only. */
@Injectable()
export class LocalAttachmentStore extends AttachmentStore {
  private readonly root: string;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    private readonly crypto: FileCrypto,
  ) {
    super();
    this.root = resolve(config.ATTACHMENTS_DIR);
  }

  async put(content: Buffer | Readable): Promise<StoredFile> {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    await mkdir(join(this.root, key.slice(0, 2)), { recursive: true, mode: 0o700 });
    const { size, sha256 } = await this.seal(key, content, this.path(key), 'wx');
    return { key, size, sha256 };
  }

  async open(key: string, sha256?: Buffer): Promise<OpenedAttachment> {
    const path = this.path(key);
    if (!(await this.isSealed(key))) {
      const content = await this.readUnsealed(key, LEGACY_MAX_BYTES).catch((err: Error) => {
        throw (err as { code?: string }).code === 'ENOENT' ? err : new AttachmentIntegrityError(key, err.message);
      });
      if (sha256 && !createHash('sha256').update(content).digest().equals(sha256)) {
        throw new AttachmentIntegrityError(key, 'an unsealed file whose content is not the one recorded');
      }
      return { stream: Readable.from([content], { objectMode: false }), size: content.length, sealed: false };
    }
    // First the whole file is authenticated (and hashed); only then is it streamed again for the caller.
    const counted = meter();
    try {
      await pipeline(
        createReadStream(path),
        this.crypto.openStream(key),
        counted.transform,
        new Writable({ write: (_chunk, _encoding, done) => done() }),
      );
    } catch (err) {
      if (err instanceof SealedFileError) throw new AttachmentIntegrityError(key, err.message);
      throw err;
    }
    const checked = counted.result();
    if (sha256 && !checked.sha256.equals(sha256)) {
      throw new AttachmentIntegrityError(key, 'its content is not the one recorded');
    }
    const stream = new PassThrough();
    pipeline(createReadStream(path), this.crypto.openStream(key), stream).catch((err: Error) => stream.destroy(err));
    return { stream, size: checked.size, sealed: true };
  }

  async isSealed(key: string): Promise<boolean> {
    const handle = await open(this.path(key), 'r');
    try {
      const head = Buffer.alloc(SEALED_FILE_MAGIC.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return isSealedFile(head.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }

  async readUnsealed(key: string, maxBytes: number): Promise<Buffer> {
    const path = this.path(key);
    if ((await stat(path)).size > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    return readFile(path);
  }

  async stage(key: string, content: Buffer | Readable): Promise<StagedFile> {
    const path = this.path(key);
    const staging = path + STAGING_SUFFIX;
    const { size, sha256 } = await this.seal(key, content, staging, 'w');
    return {
      size,
      sha256,
      commit: () => rename(staging, path),
      discard: () => rm(staging, { force: true }),
    };
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Seals `content` into `path` (flushed to disk before it resolves); a partial file is removed. */
  private async seal(
    key: string,
    content: Buffer | Readable,
    path: string,
    flags: 'w' | 'wx',
  ): Promise<{ size: number; sha256: Buffer }> {
    const counted = meter();
    try {
      await pipeline(
        asStream(content),
        counted.transform,
        this.crypto.sealStream(key),
        createWriteStream(path, { flags, mode: 0o600, flush: true }),
      );
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') await rm(path, { force: true });
      throw err;
    }
    return counted.result();
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error('Invalid attachment key');
    return join(this.root, key);
  }
}

/** A file stored before files were sealed was at most 5 MB; anything bigger there is not one of ours. */
const LEGACY_MAX_BYTES = 16 * 1024 * 1024;
