import { OPEN_STATUS_SQL, TicketAction, TicketStatus } from '@phananh/tickets';
import type { NewTicketRow } from './report.repository';

/** A report waiting for its batch: its row, its idempotency record, and who waits for the answer. */
export interface PendingFiling {
  row: NewTicketRow;
  idempotency: { key: string; requestHash: Buffer; response: unknown } | null;
  resolve(created: boolean): void;
  reject(err: unknown): void;
}

/** Batches a filing waits for at most: concurrent requests beyond these share the next statement. */
export const FILING_STATEMENTS_IN_FLIGHT = 4;
/** Reports per statement at most (each is one row of every array parameter). */
export const FILING_BATCH_MAX = 200;

/**
 * Group commit: the same writes as the single-report statement (a ticket, its public FILED
 * and ASSIGNED events, its idempotency record), for many reports in one statement and one
 * transaction. Each report is a row of the unnested arrays; a report whose citizen already has
 * an open one on the same issue and dose (ux_tickets_open_duplicate, also between two reports
 * of the batch) inserts nothing and is missing from the result. A tracking code or idempotency
 * key already taken raises a unique violation for the whole batch.
 */
export const INSERT_FILED_BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::varchar[],
                       $7::varchar[], $8::varchar[], $9::text[], $10::date[], $11::bytea[], $12::bytea[], $13::bytea[],
                       $14::varchar[], $15::smallint[], $16::text[], $17::date[], $18::varchar[], $19::text[],
                       $20::text[], $21::text[], $22::smallint[], $23::timestamptz[], $24::text[], $25::bytea[],
                       $26::text[], $27::text[], $28::text[])
    WITH ORDINALITY AS i (tracking_code, issue_type, received_at, due_at, campaign_code, unit_code, district_code,
                          province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, phone_enc,
                          citizen_ward_code, dose_number, vaccine_code, vaccinated_on, dose_ward_code, facility_name,
                          lot_number, description, sla_stage, sla_next_at, idem_key, idem_hash, idem_response,
                          citizen_id_masked, phone_masked, ord)
), ticket AS (
  INSERT INTO tickets (
    tracking_code, status, issue_type, received_at, due_at, campaign_code, unit_code, district_code,
    province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, phone_enc, citizen_ward_code,
    dose_number, vaccine_code, vaccinated_on, dose_ward_code, facility_name, lot_number, description,
    sla_stage, sla_next_at, updated_at, citizen_id_masked, phone_masked)
  SELECT tracking_code, '${TicketStatus.Assigned}', issue_type, received_at, due_at, campaign_code, unit_code,
         district_code, province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, phone_enc,
         citizen_ward_code, dose_number, vaccine_code, vaccinated_on, dose_ward_code, facility_name, lot_number,
         description, sla_stage, sla_next_at, received_at, citizen_id_masked, phone_masked
  FROM input ORDER BY ord
  ON CONFLICT (citizen_id_hash, issue_type, (coalesce(dose_number, 0))) WHERE status IN ${OPEN_STATUS_SQL}
  DO NOTHING
  RETURNING id, tracking_code
), events AS (
  INSERT INTO ticket_events (ticket_id, at, action, to_status, to_unit_code, is_public)
  SELECT t.id, i.received_at, e.action, '${TicketStatus.Assigned}', CASE WHEN e.ord = 2 THEN i.unit_code END, true
  FROM ticket t JOIN input i ON i.tracking_code = t.tracking_code,
       (VALUES (1, '${TicketAction.Filed}'), (2, '${TicketAction.Assigned}')) AS e (ord, action)
  ORDER BY t.id, e.ord
  RETURNING id
), idempotency AS (
  INSERT INTO idempotency_keys (key, request_hash, status_code, response, created_at)
  SELECT i.idem_key, i.idem_hash, 201, i.idem_response::jsonb, i.received_at
  FROM ticket t JOIN input i ON i.tracking_code = t.tracking_code
  WHERE i.idem_key IS NOT NULL
  RETURNING key
)
SELECT tracking_code AS "trackingCode" FROM ticket`;

/** The statement's parameters: one array per column, one element per report. */
export function batchParameters(batch: PendingFiling[]): unknown[] {
  const column = <T>(f: (p: PendingFiling) => T) => batch.map(f);
  return [
    column((p) => p.row.trackingCode),
    column((p) => p.row.issueType),
    column((p) => p.row.receivedAt),
    column((p) => p.row.dueAt),
    column((p) => p.row.campaignCode),
    column((p) => p.row.unitCode),
    column((p) => p.row.districtCode),
    column((p) => p.row.provinceCode),
    column((p) => p.row.citizenName),
    column((p) => p.row.citizenDob),
    column((p) => p.row.citizenIdEnc),
    column((p) => p.row.citizenIdHash),
    column((p) => p.row.phoneEnc),
    column((p) => p.row.citizenWardCode),
    column((p) => p.row.doseNumber),
    column((p) => p.row.vaccineCode),
    column((p) => p.row.vaccinatedOn),
    column((p) => p.row.doseWardCode),
    column((p) => p.row.facilityName),
    column((p) => p.row.lotNumber),
    column((p) => p.row.description),
    column((p) => p.row.slaStage),
    column((p) => p.row.slaNextAt),
    column((p) => p.idempotency?.key ?? null),
    column((p) => p.idempotency?.requestHash ?? null),
    column((p) => (p.idempotency ? JSON.stringify(p.idempotency.response) : null)),
    column((p) => p.row.citizenIdMasked),
    column((p) => p.row.phoneMasked),
  ];
}

/**
 * Collects the reports that arrive while earlier statements are running and sends each
 * group as one statement: no timer, so a lone report goes out at once (within the same
 * turn of the event loop), and under load the batches grow by themselves, with one commit
 * (one WAL flush) and one round trip for all of them. `flush` runs one batch; `fallback`
 * files one report alone, for a batch that hit a unique violation (a taken tracking code or
 * idempotency key), so each report gets its own answer or error as if it had been alone.
 */
export class FilingBatcher {
  private queue: PendingFiling[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (batch: PendingFiling[]) => Promise<Set<string>>,
    private readonly fallback: (p: PendingFiling) => Promise<boolean>,
    private readonly isUniqueViolation: (err: unknown) => boolean,
    private readonly maxInFlight = FILING_STATEMENTS_IN_FLIGHT,
    private readonly maxBatch = FILING_BATCH_MAX,
  ) {}

  insert(row: NewTicketRow, idempotency: PendingFiling['idempotency']): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, idempotency, resolve, reject });
      this.schedule();
    });
  }

  /** Sends once the current turn of the event loop has queued what it parsed. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length) this.schedule();
      });
    }
  }

  private async run(batch: PendingFiling[]): Promise<void> {
    try {
      const created = await this.flush(batch);
      for (const p of batch) p.resolve(created.has(p.row.trackingCode));
    } catch (err) {
      if (batch.length > 1 && this.isUniqueViolation(err)) {
        await Promise.all(batch.map((p) => this.fallback(p).then(p.resolve, p.reject)));
      } else {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
