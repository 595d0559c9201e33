import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig, AppError } from '@phananh/core';
import { IncomingFile, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, ReportErrors } from '@phananh/reports';

/** The `report` part may be as large as a JSON body (100 kB). */
export const REPORT_PART_MAX_BYTES = 100 * 1024;
/** The most a filing's multipart body can carry: three full files, the report part, and the parts' headers. */
export const MAX_MULTIPART_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + REPORT_PART_MAX_BYTES + 64 * 1024;
/** Bytes kept from the start of each file, to judge its type from its content. */
const HEAD_BYTES = 16;
/** A spooled file this old was left by a process that died: nothing lives that long. */
const STALE_MS = 60 * 60 * 1000;
const RETRY_AFTER_SECONDS = 5;

/**
 * The bytes of uploads one process is receiving, by what each request declares it will
 * send: uploads are streamed to disk, but they still hold disk, descriptors and, while
 * images are re-encoded, memory. Past the cap a new upload is turned away at once (503),
 * rather than queued. One upload is always let in when nothing else holds the budget, so
 * that a cap below one filing's size still lets filings through one at a time.
 */
export class UploadBudget {
  private used = 0;

  constructor(readonly capacity: number) {}

  get bytesInUse(): number {
    return this.used;
  }

  tryTake(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * Where a filing's files wait while the request is handled: streamed from the multipart body
 * (ReportFilesInterceptor) into `ATTACHMENTS_DIR/tmp` (never held in memory), measured on the
 * way (size, SHA-256, first bytes), and removed once the request is answered. Intake reads them
 * from there, re-encodes and seals them into the attachment store.
 */
@Injectable()
export class UploadSpool implements OnModuleInit {
  private readonly logger = new Logger('Uploads');
  readonly dir: string;
  readonly budget: UploadBudget;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.dir = resolve(config.ATTACHMENTS_DIR, 'tmp');
    this.budget = new UploadBudget(config.UPLOAD_MAX_CONCURRENT_BYTES);
  }

  /** Creates the directory, and removes what a process that died while receiving a file left there. */
  async onModuleInit(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // The files' times are the filesystem's, so "now" is read from it too (a marker written now).
    const marker = join(this.dir, `.now-${randomUUID()}`);
    await writeFile(marker, '');
    const now = (await stat(marker)).mtimeMs;
    await rm(marker, { force: true });
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && now - info.mtimeMs > STALE_MS) {
        await rm(path, { force: true });
        removed++;
      }
    }
    if (removed) this.logger.warn({ removed }, 'removed files left by an upload that never finished');
  }

  /**
   * Reserves the budget for a multipart request (what its Content-Length declares, or the
   * most a filing can carry when it declares nothing); the returned function gives it back.
   * Throws UPLOADS_BUSY (503, Retry-After) when the budget is spent.
   */
  reserve(req: { headers: IncomingHttpHeaders }): () => void {
    const declared = Number(req.headers['content-length']);
    const bytes =
      Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, MAX_MULTIPART_BYTES) : MAX_MULTIPART_BYTES;
    if (!this.budget.tryTake(bytes)) {
      throw new AppError(ReportErrors.UPLOADS_BUSY, undefined, [], { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.budget.give(bytes);
    };
  }

  /** Removes the spooled files of a request. */
  async discard(files: IncomingFile[]): Promise<void> {
    await Promise.all(files.map((f) => rm(f.path, { force: true }).catch(() => undefined)));
  }

  /**
   * Writes a file's stream to a new temporary file, measured on the way. When the stream or
   * the write fails, the partial file is removed and the error passed on.
   */
  async receive(stream: Readable): Promise<IncomingFile> {
    const path = join(this.dir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        if (headBytes < HEAD_BYTES) {
          const part = Buffer.from(chunk.subarray(0, HEAD_BYTES - headBytes));
          head.push(part);
          headBytes += part.length;
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(stream, measure, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return { path, size, sha256: hash.digest(), head: Buffer.concat(head) };
  }
}
