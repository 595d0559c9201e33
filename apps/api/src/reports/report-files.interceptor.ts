import { CallHandler, ExecutionContext, Injectable, NestInterceptor, createParamDecorator } from '@nestjs/common';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Observable, defer, lastValueFrom } from 'rxjs';
import { AppError, CommonErrors, validationError } from '@phananh/core';
import {
  ATTACHMENTS_PART,
  IncomingFile,
  MAX_ATTACHMENTS,
  MAX_ATTACHMENT_BYTES,
  ReportValidation,
} from '@phananh/reports';
import { REPORT_PART_MAX_BYTES, UploadSpool } from './upload-spool';
import { isMultipart, mediaType } from '../http/media-type';
import { readOff } from '../http/uploads';

const { fieldError } = ReportValidation;

/** Text parts a filing may have (the report is one); more is a broken body. */
const MAX_TEXT_PARTS = 10;

/** Each filing's files, from the interceptor to the route handler (@SpooledFiles()). */
const spooled = new WeakMap<FastifyRequest, IncomingFile[]>();

/** The files a multipart filing brought, spooled (none for a JSON filing). */
export const SpooledFiles = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IncomingFile[] =>
    spooled.get(context.switchToHttp().getRequest<FastifyRequest>()) ?? [],
);

/**
 * The report's multipart form: up to 3 files of at most 5 MB in `attachments`, streamed to
 * temporary files (UploadSpool), the JSON in `report` (no bigger than a JSON body may be), in
 * `req.body` as the text fields by name. A multipart request first takes its share of the
 * process's upload budget (503 when it is spent), and gives it back, its temporary files
 * removed, once it is answered. A JSON request passes through untouched.
 *
 * The parts are read with @fastify/multipart's iterator, in order, and judged as multer judged
 * them (the answers are those the service gave on Express, docs/api.md): the first fault ends
 * the request, once the rest of its body has been read off (so that the client, still sending,
 * gets the answer rather than a reset connection).
 */
@Injectable()
export class ReportFilesInterceptor implements NestInterceptor {
  constructor(private readonly spool: UploadSpool) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isMultipart(req)) return next.handle();
    const release = this.spool.reserve(req);
    // Any other multipart type is refused before its body is read, as busboy refused it.
    if (mediaType(req) !== 'multipart/form-data') {
      release();
      throw new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE);
    }
    const files: IncomingFile[] = [];
    try {
      req.body = await this.receive(req, files);
    } catch (err) {
      await this.spool.discard(files);
      await readOff(req.raw);
      release();
      throw err;
    }
    spooled.set(req, files);
    return defer(async () => {
      try {
        return await lastValueFrom(next.handle(), { defaultValue: undefined });
      } finally {
        await this.spool.discard(files);
        release();
      }
    });
  }

  /**
   * Reads the parts into `files` (spooled) and the returned text fields (a name sent twice
   * holds both values). Every part comes as a stream (`isPartAFile`): @fastify/multipart would
   * hand over a text part typed `application/json` parsed, where the report part must stay the
   * text the client sent. Whether a part is a file is then decided as busboy decided it for
   * multer: a file name, or the type application/octet-stream. A part named after a property of
   * Object.prototype (`__proto__`, `constructor` …), which @fastify/multipart refuses, makes the
   * body a broken one.
   */
  private async receive(req: FastifyRequest, files: IncomingFile[]): Promise<Record<string, string | string[]>> {
    // A client gone while the guards ran would leave the parser waiting for good.
    if (req.raw.destroyed) throw brokenBody();
    const fields: Record<string, string | string[]> = Object.create(null);
    let fileParts = 0;
    let textParts = 0;
    const parts = req.parts({
      limits: { parts: MAX_ATTACHMENTS + MAX_TEXT_PARTS, fileSize: MAX_ATTACHMENT_BYTES },
      isPartAFile: () => true,
    });
    for (let part = await nextPart(parts); part; part = await nextPart(parts)) {
      const { fieldname: name, filename, file: stream } = part;
      if (filename || part.mimetype === 'application/octet-stream') {
        if (++fileParts > MAX_ATTACHMENTS)
          throw validationError([fieldError(ATTACHMENTS_PART, 'ATTACHMENTS_TOO_MANY')]);
        if (!name) throw brokenBody();
        // A file input left empty comes with no file name: nothing to take.
        if (!filename) {
          stream.resume();
          continue;
        }
        if (name !== ATTACHMENTS_PART) throw validationError([fieldError(name, 'unknownField')]);
        files.push(await this.spool.receive(stream).catch(fileFailure));
        if (stream.truncated) {
          throw new AppError(CommonErrors.PAYLOAD_TOO_LARGE, undefined, [
            fieldError(ATTACHMENTS_PART, 'ATTACHMENT_TOO_LARGE'),
          ]);
        }
      } else {
        if (++textParts > MAX_TEXT_PARTS || !name) throw brokenBody();
        const text = await readText(stream, REPORT_PART_MAX_BYTES);
        if (text === undefined) {
          throw new AppError(CommonErrors.PAYLOAD_TOO_LARGE, undefined, [fieldError(name, 'maxLength')]);
        }
        const earlier = fields[name];
        fields[name] = earlier === undefined ? text : [earlier, text].flat();
      }
    }
    // An empty body is no form at all (the parser takes it for one without parts).
    if (!req.raw.readableDidRead) throw brokenBody();
    return fields;
  }
}

/** A body that is not well-formed multipart (cut short, a part without a name, too many parts …). */
const brokenBody = () => new AppError(CommonErrors.VALIDATION_FAILED, ReportValidation.message('MULTIPART_INVALID'));

/** The next part, undefined after the last; the parser's failures are the body's. */
async function nextPart(parts: AsyncIterator<unknown>): Promise<MultipartFile | undefined> {
  try {
    const { value, done } = await parts.next();
    // Every part is a file part here (isPartAFile).
    return done ? undefined : (value as MultipartFile);
  } catch {
    throw brokenBody();
  }
}

/**
 * Why a file could not be spooled: the temporary file failing to be written (a system call's
 * error: disk full, permissions) is the server's own; the part's stream failing is the body's.
 */
function fileFailure(err: unknown): never {
  throw (err as { syscall?: string }).syscall ? err : brokenBody();
}

/** A text part as UTF-8, or undefined when it is longer than `max` bytes (the rest left unread). */
async function readText(stream: Readable, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) return undefined;
      chunks.push(chunk);
    }
  } catch {
    throw brokenBody();
  }
  return Buffer.concat(chunks).toString('utf8');
}
