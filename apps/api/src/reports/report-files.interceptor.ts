import { CallHandler, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { Observable, defer, lastValueFrom } from 'rxjs';
import { AppError, CommonErrors, validationError } from '@phananh/core';
import {
  ATTACHMENTS_PART,
  MAX_ATTACHMENTS,
  MAX_ATTACHMENT_BYTES,
  REPORT_PART,
  ReportValidation,
} from '@phananh/reports';
import { REPORT_PART_MAX_BYTES, UploadSpool } from './upload-spool';
import { isMultipart } from '../http/media-type';

const { fieldError } = ReportValidation;

/**
 * multer for the report's multipart form: up to 3 files of at most 5 MB in `attachments`,
 * streamed to temporary files (UploadSpool), the JSON in `report` (no bigger than a JSON body
 * may be). A multipart request first takes its share of the process's upload budget (503
 * when it is spent), and gives it back, its temporary files removed, once it is answered.
 * A JSON request passes through untouched. multer's errors come back as field errors.
 */
@Injectable()
export class ReportFilesInterceptor extends FilesInterceptor(ATTACHMENTS_PART, MAX_ATTACHMENTS, {
  limits: {
    fileSize: MAX_ATTACHMENT_BYTES,
    files: MAX_ATTACHMENTS,
    fields: 10,
    fieldSize: REPORT_PART_MAX_BYTES,
    parts: MAX_ATTACHMENTS + 10,
  },
}) {
  // @Inject: the mixin's own constructor parameter (multer's module options) would be inherited otherwise.
  constructor(@Inject(UploadSpool) private readonly spool: UploadSpool) {
    super({ storage: spool.storage });
  }

  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const release = isMultipart(req) ? this.spool.reserve(req) : () => undefined;
    let handled: Observable<unknown>;
    try {
      handled = await super.intercept(context, next);
    } catch (err) {
      await this.spool.discard(req.files);
      release();
      throw multerProblem(err);
    }
    return defer(async () => {
      try {
        return await lastValueFrom(handled, { defaultValue: undefined });
      } finally {
        await this.spool.discard(req.files);
        release();
      }
    });
  }
}

function multerProblem(err: unknown): unknown {
  if (!(err instanceof HttpException)) return err;
  const cause = err.cause as { name?: string; code?: string; field?: string } | undefined;
  if (err.getStatus() === 415) return err;
  switch (cause?.code) {
    case 'LIMIT_FILE_SIZE':
      return new AppError(CommonErrors.PAYLOAD_TOO_LARGE, undefined, [
        fieldError(ATTACHMENTS_PART, 'ATTACHMENT_TOO_LARGE'),
      ]);
    case 'LIMIT_FIELD_VALUE':
      return new AppError(CommonErrors.PAYLOAD_TOO_LARGE, undefined, [
        fieldError(cause.field ?? REPORT_PART, 'maxLength'),
      ]);
    case 'LIMIT_FILE_COUNT':
      return validationError([fieldError(ATTACHMENTS_PART, 'ATTACHMENTS_TOO_MANY')]);
    case 'LIMIT_UNEXPECTED_FILE':
      return validationError([
        cause.field === ATTACHMENTS_PART
          ? fieldError(ATTACHMENTS_PART, 'ATTACHMENTS_TOO_MANY')
          : fieldError(cause.field ?? ATTACHMENTS_PART, 'unknownField'),
      ]);
    default:
      return new AppError(CommonErrors.VALIDATION_FAILED, ReportValidation.message('MULTIPART_INVALID'));
  }
}
