import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { AppConfig } from '@phananh/core';

export interface StoredFile {
  /** Opaque key to find the file again; kept in attachments.storage_key. */
  key: string;
  size: number;
  sha256: Buffer;
}

/**
 * Where attached files live. Files are never served publicly: only an official's
 * endpoint reads them, through `open`. Local directory now; an S3-compatible store can
 * implement the same three methods.
 */
export abstract class AttachmentStore {
  abstract put(content: Buffer): Promise<StoredFile>;
  /** A stream of the file; rejects (ENOENT) when there is none. */
  abstract open(key: string): Promise<Readable>;
  /** Removes a file; removing a missing one is not an error. */
  abstract remove(key: string): Promise<void>;
}

/** Keys are `<2 hex>/<uuid>`: nothing a caller controls, so no path can escape the directory. */
const KEY = /^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Files under ATTACHMENTS_DIR, fanned out over 256 sub-directories, readable by the service's user only. */
@Injectable()
export class LocalAttachmentStore extends AttachmentStore {
  private readonly root: string;

  constructor(@Inject(AppConfig) config: AppConfig) {
    super();
    this.root = resolve(config.ATTACHMENTS_DIR);
  }

  async put(content: Buffer): Promise<StoredFile> {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    await mkdir(join(this.root, key.slice(0, 2)), { recursive: true, mode: 0o700 });
    await writeFile(this.path(key), content, { flag: 'wx', mode: 0o600 });
    return { key, size: content.length, sha256: createHash('sha256').update(content).digest() };
  }

  async open(key: string): Promise<Readable> {
    const stream = createReadStream(this.path(key));
    await new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail));
    return stream;
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error('Invalid attachment key');
    return join(this.root, key);
  }
}
