import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IssueType, OPEN_STATUS_SQL, TicketAction, TicketStatus } from '@phananh/tickets';
import { FilingBatcher, INSERT_FILED_BATCH, PendingFiling, batchParameters } from './filing-batch';

/** Everything a new ticket row needs, already computed (deadline, unit, encrypted fields). */
export interface NewTicketRow {
  trackingCode: string;
  issueType: IssueType;
  receivedAt: Date;
  dueAt: Date;
  campaignCode: string | null;
  unitCode: string;
  districtCode: string | null;
  provinceCode: string;
  citizenName: string;
  citizenDob: string;
  citizenIdEnc: Buffer;
  citizenIdHash: Buffer;
  phoneEnc: Buffer | null;
  /** As lists show them (maskCitizenId, maskPhone), so that a list decrypts nothing. */
  citizenIdMasked: string;
  phoneMasked: string | null;
  citizenWardCode: string | null;
  doseNumber: number | null;
  vaccineCode: string | null;
  vaccinatedOn: string | null;
  doseWardCode: string | null;
  facilityName: string | null;
  lotNumber: string | null;
  description: string | null;
  slaStage: number;
  slaNextAt: Date;
}

export interface NewAttachmentRow {
  contentType: string;
  size: number;
  sha256: Buffer;
  storageKey: string;
}

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
  resolution: string | null;
  rejectionReasonCode: string | null;
  rejectionNote: string | null;
  timeline: { at: string; action: TicketAction; unitCode: string | null }[];
}

/** Postgres unique violations, by the constraint they hit. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const d = e?.driverError ?? e;
  return d?.code === '23505' ? d.constraint : undefined;
}

export const TRACKING_CODE_CONSTRAINT = 'ux_tickets_tracking_code';
export const IDEMPOTENCY_CONSTRAINT = 'pk_idempotency_keys';

/**
 * One statement files a report: the ticket (with its SLA columns, which is all the SLA
 * sweeper needs to pick it up), its public FILED and ASSIGNED events, its attachments and
 * the idempotency record. Data-modifying CTEs run once and together, so either all of
 * it is committed or none. A second open report of the same citizen, issue and dose hits
 * ux_tickets_open_duplicate and inserts nothing (empty result); a tracking code or
 * idempotency key that is already taken raises a unique violation.
 */
const INSERT_FILED = `
WITH ticket AS (
  INSERT INTO tickets (
    tracking_code, status, issue_type, received_at, due_at, campaign_code, unit_code, district_code,
    province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, phone_enc, citizen_ward_code,
    dose_number, vaccine_code, vaccinated_on, dose_ward_code, facility_name, lot_number, description,
    sla_stage, sla_next_at, updated_at, citizen_id_masked, phone_masked)
  VALUES ($1, '${TicketStatus.Assigned}', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
          $18, $19, $20, $21, $22, $23, $3, $31, $32)
  ON CONFLICT (citizen_id_hash, issue_type, (coalesce(dose_number, 0))) WHERE status IN ${OPEN_STATUS_SQL}
  DO NOTHING
  RETURNING id
), events AS (
  INSERT INTO ticket_events (ticket_id, at, action, to_status, to_unit_code, is_public)
  SELECT ticket.id, $3, e.action, '${TicketStatus.Assigned}', e.unit_code, true
  FROM ticket,
       (VALUES (1, '${TicketAction.Filed}', NULL::varchar), (2, '${TicketAction.Assigned}', $6::varchar))
         AS e (ord, action, unit_code)
  ORDER BY e.ord
  RETURNING id
), files AS (
  INSERT INTO attachments (ticket_id, content_type, size, sha256, storage_key, created_at)
  SELECT ticket.id, f.content_type, f.size, f.sha256, f.storage_key, $3
  FROM ticket, unnest($24::text[], $25::int[], $26::bytea[], $27::text[]) AS f (content_type, size, sha256, storage_key)
  RETURNING id
), idempotency AS (
  INSERT INTO idempotency_keys (key, request_hash, status_code, response, created_at)
  SELECT $28::text, $29::bytea, 201, $30::jsonb, $3 FROM ticket WHERE $28::text IS NOT NULL
  RETURNING key
)
SELECT ticket.id FROM ticket`;

const RECEIPT_COLUMNS = `
  t.tracking_code AS "trackingCode", t.status, t.received_at AS "receivedAt", t.due_at AS "dueAt",
  t.campaign_code AS "campaignCode", t.unit_code AS "unitCode"`;

@Injectable()
export class ReportRepository {
  private readonly batcher: FilingBatcher;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.batcher = new FilingBatcher(
      (batch) => this.insertBatch(batch),
      (p) => this.insertOne(p.row, [], p.idempotency),
      (err) => uniqueViolation(err) !== undefined,
    );
  }

  /**
   * Files a report; false when an open duplicate exists (nothing was written). Reports
   * without files are group-committed with the others arriving at the same moment (see
   * FilingBatcher); a report with files has its own statement.
   */
  insertFiled(
    row: NewTicketRow,
    files: NewAttachmentRow[],
    idempotency: { key: string; requestHash: Buffer; response: unknown } | null,
  ): Promise<boolean> {
    return files.length ? this.insertOne(row, files, idempotency) : this.batcher.insert(row, idempotency);
  }

  /** Many reports in one statement: the tracking codes of those that were written. */
  private async insertBatch(batch: PendingFiling[]): Promise<Set<string>> {
    const rows: { trackingCode: string }[] = await this.db.query(INSERT_FILED_BATCH, batchParameters(batch));
    return new Set(rows.map((r) => r.trackingCode));
  }

  /** One report in one round trip. */
  private async insertOne(
    row: NewTicketRow,
    files: NewAttachmentRow[],
    idempotency: { key: string; requestHash: Buffer; response: unknown } | null,
  ): Promise<boolean> {
    const inserted: { id: string }[] = await this.db.query(INSERT_FILED, [
      row.trackingCode,
      row.issueType,
      row.receivedAt,
      row.dueAt,
      row.campaignCode,
      row.unitCode,
      row.districtCode,
      row.provinceCode,
      row.citizenName,
      row.citizenDob,
      row.citizenIdEnc,
      row.citizenIdHash,
      row.phoneEnc,
      row.citizenWardCode,
      row.doseNumber,
      row.vaccineCode,
      row.vaccinatedOn,
      row.doseWardCode,
      row.facilityName,
      row.lotNumber,
      row.description,
      row.slaStage,
      row.slaNextAt,
      files.map((f) => f.contentType),
      files.map((f) => f.size),
      files.map((f) => f.sha256),
      files.map((f) => f.storageKey),
      idempotency?.key ?? null,
      idempotency?.requestHash ?? null,
      idempotency ? JSON.stringify(idempotency.response) : null,
      row.citizenIdMasked,
      row.phoneMasked,
    ]);
    return inserted.length === 1;
  }

  /** The open report that blocked a new one (same citizen, issue and dose number). */
  async findOpenDuplicate(citizenIdHash: Buffer, issueType: IssueType, doseNumber: number | null) {
    const rows: ReceiptRow[] = await this.db.query(
      `SELECT ${RECEIPT_COLUMNS} FROM tickets t
       WHERE t.citizen_id_hash = $1 AND t.issue_type = $2 AND coalesce(t.dose_number, 0) = $3
         AND t.status IN ${OPEN_STATUS_SQL}`,
      [citizenIdHash, issueType, doseNumber ?? 0],
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

  /** Records an answer that did not come from INSERT_FILED (a duplicate); the first writer wins. */
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
   * The public view of a report, matched on the tracking code AND the identity number's
   * blind index in one query: a wrong pair and an unknown code look the same.
   */
  async findPublic(trackingCode: string, citizenIdHash: Buffer): Promise<PublicRow | undefined> {
    const rows: PublicRow[] = await this.db.query(
      `SELECT ${RECEIPT_COLUMNS}, t.resolution, t.rejection_reason_code AS "rejectionReasonCode",
              t.rejection_note AS "rejectionNote",
              coalesce((SELECT json_agg(json_build_object(
                          'at', e.at, 'action', e.action, 'unitCode', coalesce(e.to_unit_code, e.actor_unit_code))
                          ORDER BY e.id)
                        FROM ticket_events e WHERE e.ticket_id = t.id AND e.is_public), '[]'::json) AS timeline
       FROM tickets t WHERE t.tracking_code = $1 AND t.citizen_id_hash = $2`,
      [trackingCode, citizenIdHash],
    );
    return rows[0];
  }
}
