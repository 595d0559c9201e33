import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OPEN_STATUS_SQL, TicketAction, TicketRecord, TicketStatus } from '@phananh/ticket-store';

export interface IdempotencyRow {
  requestHash: Buffer;
  statusCode: number;
  response: unknown;
  createdAt: Date;
}

/** The fields of a ticket a receipt shows. */
export interface ReceiptRow {
  trackingCode: string;
  status: TicketStatus;
  receivedAt: Date;
  dueAt: Date;
  campaignCode: string | null;
  unitCode: string;
}

export interface PublicRow extends ReceiptRow {
  /** A MERGED report's kept report, only when the lookup's identity number and phone are the kept report's. */
  mergedInto: string | null;
  resolution: string | null;
  rejectionReasonCode: string | null;
  rejectionNote: string | null;
  timeline: { at: string; action: TicketAction; unitCode: string | null }[];
}

const RECEIPT_COLUMNS = `
  t.tracking_code AS "trackingCode", t.status, t.received_at AS "receivedAt", t.due_at AS "dueAt",
  t.campaign_code AS "campaignCode", t.unit_code AS "unitCode"`;

/** Intake's reads, and its idempotency records; tickets themselves are written by TicketStore. */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The open report that blocked a new one: the same citizen, issue, dose number and phone. */
  async findOpenDuplicate(
    t: Pick<TicketRecord, 'citizenIdHash' | 'issueType' | 'doseNumber' | 'phoneHash'>,
  ): Promise<ReceiptRow | undefined> {
    const rows: ReceiptRow[] = await this.db.query(
      `SELECT ${RECEIPT_COLUMNS} FROM tickets t
       WHERE t.citizen_id_hash = $1 AND t.issue_type = $2 AND coalesce(t.dose_number, 0) = $3 AND t.phone_hash = $4
         AND t.status IN ${OPEN_STATUS_SQL}`,
      [t.citizenIdHash, t.issueType, t.doseNumber ?? 0, t.phoneHash],
    );
    return rows[0];
  }

  async findIdempotency(key: string): Promise<IdempotencyRow | undefined> {
    const rows: IdempotencyRow[] = await this.db.query(
      `SELECT request_hash AS "requestHash", status_code AS "statusCode", response, created_at AS "createdAt"
       FROM idempotency_keys WHERE key = $1`,
      [key],
    );
    return rows[0];
  }

  /** Records an answer that did not come with its ticket (a duplicate); the first writer wins. */
  async saveIdempotency(key: string, requestHash: Buffer, statusCode: number, response: unknown, at: Date) {
    await this.db.query(
      `INSERT INTO idempotency_keys (key, request_hash, status_code, response, created_at)
       VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (key) DO NOTHING`,
      [key, requestHash, statusCode, JSON.stringify(response), at],
    );
  }

  /** Drops a key past its 24 hours (the cleanup job may not have run yet). */
  async deleteExpiredIdempotency(key: string, before: Date): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE key = $1 AND created_at < $2`, [key, before]);
  }

  /**
   * What a withdrawal needs of a report, matched like the public view (tracking code AND the
   * identity number's blind index in one query).
   */
  async findForWithdrawal(
    trackingCode: string,
    citizenIdHash: Buffer,
  ): Promise<{ id: string; status: TicketStatus; version: number } | undefined> {
    const rows = await this.db.query(
      `SELECT t.id, t.status, t.version FROM tickets t WHERE t.tracking_code = $1 AND t.citizen_id_hash = $2`,
      [trackingCode, citizenIdHash],
    );
    return rows[0];
  }

  /**
   * The public view of a report, matched on the tracking code AND the identity number's
   * blind index in one query: a wrong pair and an unknown code look the same. A merged
   * report names the report it was merged into only when that one's identity number and
   * phone blind indexes are the given ones (joined in the same query, so the answer takes
   * the same path either way).
   */
  async findPublic(
    trackingCode: string,
    citizenIdHash: Buffer,
    phoneHash: Buffer | null,
  ): Promise<PublicRow | undefined> {
    const rows: PublicRow[] = await this.db.query(
      `SELECT ${RECEIPT_COLUMNS}, k.tracking_code AS "mergedInto",
              t.resolution, t.rejection_reason_code AS "rejectionReasonCode", t.rejection_note AS "rejectionNote",
              coalesce((SELECT json_agg(json_build_object(
                          'at', e.at, 'action', e.action, 'unitCode', coalesce(e.to_unit_code, e.actor_unit_code))
                          ORDER BY e.id)
                        FROM ticket_events e WHERE e.ticket_id = t.id AND e.is_public), '[]'::json) AS timeline
       FROM tickets t
       LEFT JOIN tickets k ON k.id = t.merged_into AND t.status = '${TicketStatus.Merged}'
                          AND k.citizen_id_hash = $2 AND k.phone_hash = $3
       WHERE t.tracking_code = $1 AND t.citizen_id_hash = $2`,
      [trackingCode, citizenIdHash, phoneHash],
    );
    return rows[0];
  }
}
