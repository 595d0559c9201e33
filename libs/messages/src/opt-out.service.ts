import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, Clock, PiiCrypto, validationError } from '@phananh/core';
import { ReportValidation, normalizeTrackingCode } from '@phananh/reports';
import { MessageErrors, MessageValidation } from './messages.errors';

/** How the citizen proves the report is theirs: the link's token, or the identity number (the status page). */
export interface OptOutRequest {
  trackingCode: string;
  token?: string;
  citizenId?: string;
}

/**
 * Opting out of a report's messages: a row in message_opt_outs, and the report's pending
 * messages SKIPPED at once (the sender checks again before each attempt). The link in each
 * message carries a token, a keyed HMAC (the blind-index key) of the ticket's id, so it works
 * for that report only and cannot be made up from the tracking code.
 */
@Injectable()
export class OptOutService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly pii: PiiCrypto,
  ) {}

  token(ticketId: string): string {
    return this.pii.blindIndex(`message-opt-out:${ticketId}`).subarray(0, 16).toString('base64url');
  }

  /** The page the link opens (apps/web/public/opt-out.html), which asks before it posts. */
  link(ticketId: string, trackingCode: string): string {
    const base = this.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    return `${base}/opt-out?code=${encodeURIComponent(trackingCode)}&token=${this.token(ticketId)}`;
  }

  async optOut(request: OptOutRequest): Promise<{ optedOut: true }> {
    const code = normalizeTrackingCode(request.trackingCode);
    if (!code) throw validationError([ReportValidation.fieldError('trackingCode', 'TRACKING_CODE_INVALID')]);
    if (!request.token && !request.citizenId) {
      throw validationError([MessageValidation.fieldError('token', 'OPT_OUT_PROOF_MISSING')]);
    }
    const ticketId = await this.matchingTicket(code, request);
    if (!ticketId) throw new AppError(MessageErrors.OPT_OUT_NOT_FOUND);
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO message_opt_outs (ticket_id, created_at) VALUES ($1, $2) ON CONFLICT (ticket_id) DO NOTHING`,
        [ticketId, this.clock.now()],
      );
      await m.query(
        `UPDATE message_deliveries SET status = 'SKIPPED', last_error = 'opted out'
         WHERE ticket_id = $1 AND status = 'PENDING'`,
        [ticketId],
      );
    });
    return { optedOut: true };
  }

  /** True when the report's citizen opted out of its messages. */
  async optedOut(ticketId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM message_opt_outs WHERE ticket_id = $1`, [ticketId]);
    return rows.length > 0;
  }

  private async matchingTicket(code: string, request: OptOutRequest): Promise<string | null> {
    if (request.token) {
      const [row]: { id: string }[] = await this.db.query(`SELECT id::text FROM tickets WHERE tracking_code = $1`, [
        code,
      ]);
      if (!row) return null;
      const expected = Buffer.from(this.token(row.id));
      const given = Buffer.from(request.token);
      return expected.length === given.length && timingSafeEqual(expected, given) ? row.id : null;
    }
    if (request.citizenId) {
      const [row]: { id: string }[] = await this.db.query(
        `SELECT id::text FROM tickets WHERE tracking_code = $1 AND citizen_id_hash = $2`,
        [code, this.pii.blindIndex(request.citizenId)],
      );
      return row?.id ?? null;
    }
    return null;
  }
}
