import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { deliveryRetries } from '@phananh/alerts';
import {
  AppConfig,
  AppError,
  Clock,
  CommonErrors,
  FieldError,
  Lang,
  Localized,
  PiiCrypto,
  rateLimitClientKey,
  validationError,
} from '@phananh/core';
import { JobName, JobOutcome, QueueService } from '@phananh/queue';
import { FixedWindowLimiter, RedisClient } from '@phananh/redis';
import { ReportValidation, normalizeMobile } from '@phananh/reports';
import { OPEN_STATUS_SQL } from '@phananh/ticket-store';
import { SMS_GATEWAY, SmsGateway } from './sms-gateway';
import { composeCodesSms } from './templates';

const HOUR_WINDOW_MS = 3_600_000;
/** How long a request may wait for a worker (Redis lost, gateway down) before it is dropped. */
const REQUEST_TTL_MS = 24 * 3_600_000;
const REDELIVER_BATCH = 1000;
export const resendJobId = (requestId: string) => `resend-${requestId}`;

/** The one answer of POST /api/v1/reports/resend-code, whatever matched. */
export interface ResendCodeAnswer {
  accepted: true;
  message: string;
}
const ANSWER: Localized = {
  vi: 'Nếu thông tin khớp với phản ánh đang mở, mã tra cứu sẽ được gửi bằng tin nhắn đến số điện thoại đã đăng ký.',
  en: 'If these details match open reports, their tracking codes will be sent by SMS to the phone number on file.',
};

/**
 * A lost tracking code. The request path never reads the tickets: it checks the shapes, counts
 * the request against the limits (per address and per identity number, RATE_LIMIT_RESEND_CODES_PER_HOUR
 * each, in Redis), writes a row of blind indexes (resend_code_requests) and enqueues a job; the
 * answer is the same 202 and the same work whether anything matches. The worker then looks for
 * open reports of that identity number filed with that phone and, if any, sends their codes by
 * SMS to that phone — the one on file, so someone holding an identity number (and even the
 * phone number) learns nothing: the codes go to the phone's owner.
 */
@Injectable()
export class ResendCodeService {
  private readonly logger = new Logger(ResendCodeService.name);
  private readonly limiter: FixedWindowLimiter;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
    private readonly pii: PiiCrypto,
    private readonly queues: QueueService,
    redis: RedisClient,
  ) {
    this.limiter = new FixedWindowLimiter(redis.redis, config.REDIS_PREFIX);
  }

  async request(
    input: { citizenId: string; phone: string },
    clientAddress: string,
    lang: Lang,
  ): Promise<ResendCodeAnswer> {
    const errors: FieldError[] = [];
    if (!/^\d{12}$/.test(input.citizenId)) errors.push(ReportValidation.fieldError('citizenId', 'CITIZEN_ID_FORMAT'));
    const phone = normalizeMobile(input.phone);
    if ('problem' in phone) errors.push(ReportValidation.fieldError('phone', phone.problem));
    if (errors.length || 'problem' in phone) throw validationError(errors);

    const citizenIdHash = this.pii.blindIndex(input.citizenId);
    await this.countOrRefuse(citizenIdHash, clientAddress);
    const [{ id }]: { id: string }[] = await this.db.query(
      `INSERT INTO resend_code_requests (citizen_id_hash, phone_hash, lang, created_at)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [citizenIdHash, this.pii.blindIndex(phone.phone), lang, this.clock.now()],
    );
    await this.enqueue([id]).catch((err: Error) =>
      this.logger.warn({ err: err.message }, 'could not enqueue a lost-code request; redelivery will'),
    );
    return { accepted: true, message: ANSWER[lang] };
  }

  /** Both limits are counted on every request (so neither tells anything); over either: 429. */
  private async countOrRefuse(citizenIdHash: Buffer, clientAddress: string): Promise<void> {
    const limit = this.config.RATE_LIMIT_RESEND_CODES_PER_HOUR;
    const windows = await Promise.all([
      this.limiter.hit(`rl:resend:addr:${rateLimitClientKey(clientAddress)}`, { windowMs: HOUR_WINDOW_MS }),
      this.limiter.hit(`rl:resend:id:${citizenIdHash.subarray(0, 12).toString('hex')}`, { windowMs: HOUR_WINDOW_MS }),
    ]);
    const over = windows.flatMap((w) => (w && w.count > limit ? [w.resetMs] : []));
    if (!over.length) return;
    const seconds = Math.max(1, Math.ceil(Math.max(...over) / 1000));
    throw new AppError(CommonErrors.TOO_MANY_REQUESTS, undefined, [], { 'Retry-After': String(seconds) });
  }

  private async enqueue(ids: readonly string[]): Promise<void> {
    await this.queues.enqueueMany(
      JobName.ResendCodes,
      ids.map((requestId) => ({
        data: { requestId },
        options: { jobId: resendJobId(requestId), ...deliveryRetries(this.config, this.config.MESSAGE_ATTEMPTS) },
      })),
    );
  }

  /** The worker's part: one attempt. The row goes once the SMS is accepted, nothing matched, or attempts ran out. */
  async process(requestId: string): Promise<JobOutcome> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [[request]]: [{ citizen_id_hash: Buffer; phone_hash: Buffer; lang: Lang; attempts: number }[], number] =
      await this.db.query(
        `UPDATE resend_code_requests SET attempts = attempts + 1 WHERE id = $1
         RETURNING citizen_id_hash, phone_hash, lang, attempts`,
        [requestId],
      );
    if (!request) return 'skipped';
    const reports: { tracking_code: string; phone_enc: Buffer }[] = await this.db.query(
      `SELECT tracking_code, phone_enc FROM tickets
       WHERE citizen_id_hash = $1 AND phone_hash = $2 AND status IN ${OPEN_STATUS_SQL}
       ORDER BY received_at, id`,
      [request.citizen_id_hash, request.phone_hash],
    );
    if (!reports.length || !this.sms.configured) {
      await this.forget(requestId);
      return 'done';
    }
    const result = await this.sms.send({
      to: this.pii.decrypt(reports[0].phone_enc),
      text: composeCodesSms(
        request.lang === 'en' ? 'en' : 'vi',
        reports.map((r) => r.tracking_code),
        this.config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      ),
      reference: resendJobId(requestId),
    });
    if (result.ok) {
      await this.forget(requestId);
      return 'done';
    }
    if (result.permanent || request.attempts >= this.config.MESSAGE_ATTEMPTS) {
      await this.forget(requestId);
      throw new UnrecoverableError(`lost-code SMS dead after ${request.attempts} attempts: ${result.error}`);
    }
    throw new Error(`lost-code SMS attempt ${request.attempts} failed: ${result.error}`);
  }

  private async forget(requestId: string): Promise<void> {
    await this.db.query(`DELETE FROM resend_code_requests WHERE id = $1`, [requestId]);
  }

  /** Drops requests older than a day and re-enqueues the rest (what Redis lost). */
  async redeliver(): Promise<number> {
    await this.db.query(`DELETE FROM resend_code_requests WHERE created_at < $1`, [
      new Date(this.clock.now().getTime() - REQUEST_TTL_MS),
    ]);
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM resend_code_requests ORDER BY created_at LIMIT $1`,
      [REDELIVER_BATCH],
    );
    await this.enqueue(rows.map((r) => r.id));
    return rows.length;
  }
}
