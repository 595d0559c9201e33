import { randomInt } from 'node:crypto';
import { HOUR_MS, PiiCrypto } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { AttachmentStore, newTrackingCode } from '@phananh/reports';
import { CampaignsService, computeDueAt, freshSlaState } from '@phananh/sla';
import { IssueType, Ticket, TicketAction, TicketStatus, isOpen } from '@phananh/tickets';
import type { TestApp } from '../test-app';

export interface NewTicketOptions {
  unitCode?: string;
  status?: TicketStatus;
  issueType?: IssueType;
  receivedAt?: Date;
  /** Default: receivedAt + the campaign's handling time, capped by its cutoff (as intake computes it). */
  dueAt?: Date;
  /** Default: the campaign whose intake window holds receivedAt; null for none. */
  campaignCode?: string | null;
  citizenId?: string;
  phone?: string | null;
  citizenName?: string;
  citizenDob?: string;
  doseNumber?: number | null;
  trackingCode?: string;
  overdueSince?: Date | null;
  description?: string | null;
  /** Insert the public FILED event, as intake does (default true). */
  filedEvent?: boolean;
}

let citizenSequence = randomInt(1_000_000);

/**
 * A valid identity number of someone born in Hà Nội in 1990 (agrees with the default date of
 * birth 1990-05-17), different on every call of the process: equal numbers would collide on
 * the one-open-report-per-citizen index.
 */
export function randomCitizenId(): string {
  citizenSequence = (citizenSequence + 1) % 1_000_000;
  return `001090${String(citizenSequence).padStart(6, '0')}`;
}

/**
 * Inserts a ticket row directly (encrypted identity and phone through the app's PiiCrypto),
 * with the denormalised district and province of its unit and fresh SLA columns. For tests
 * that need tickets without going through intake. It leaves the masked columns empty, as on
 * rows written before they existed, so the suites that use it cover the views' fallback.
 */
export async function newTicket(t: TestApp, options: NewTicketOptions = {}): Promise<Ticket> {
  const pii = t.app.get(PiiCrypto);
  const reference = t.app.get(ReferenceService);
  const campaigns = t.app.get(CampaignsService);
  const unitCode = options.unitCode ?? '00001';
  const lineage = reference.lineage(unitCode);
  if (!lineage.length) throw new Error(`newTicket: unknown unit ${unitCode}`);
  const receivedAt = options.receivedAt ?? t.clock.now();
  const campaign =
    options.campaignCode === undefined
      ? await campaigns.campaignAt(receivedAt)
      : options.campaignCode === null
        ? undefined
        : await campaigns.byCode(options.campaignCode);
  const policy = campaigns.policyOf(campaign);
  const dueAt = options.dueAt ?? computeDueAt(receivedAt, policy);
  const status = options.status ?? TicketStatus.Assigned;
  const open = isOpen(status);
  const sla = freshSlaState(dueAt, policy);
  const citizenId = options.citizenId ?? randomCitizenId();
  const phone = options.phone === undefined ? '0912345678' : options.phone;
  const doseNumber = options.doseNumber === undefined ? 2 : options.doseNumber;
  const [row] = await t.db.query(
    `INSERT INTO tickets (tracking_code, status, issue_type, received_at, due_at, overdue_since, campaign_code,
       unit_code, district_code, province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, phone_enc,
       citizen_ward_code, dose_number, vaccine_code, vaccinated_on, dose_ward_code, facility_name, lot_number,
       description, sla_stage, sla_next_at, updated_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
       $23, $24, $25, $4, $26)
     RETURNING id`,
    [
      options.trackingCode ?? newTrackingCode(),
      status,
      options.issueType ?? IssueType.MissingDose,
      receivedAt,
      dueAt,
      options.overdueSince ?? null,
      campaign?.code ?? null,
      unitCode,
      lineage.find((u) => u.level === 'district')?.code ?? null,
      lineage[lineage.length - 1].code,
      options.citizenName ?? 'Nguyễn Văn An',
      options.citizenDob ?? '1990-05-17',
      pii.encrypt(citizenId),
      pii.blindIndex(citizenId),
      phone === null ? null : pii.encrypt(phone),
      unitCode,
      doseNumber,
      doseNumber === null ? null : 'COMIRNATY',
      doseNumber === null ? null : '2021-10-20',
      doseNumber === null ? null : unitCode,
      doseNumber === null ? null : 'Trạm Y tế',
      null,
      options.description === undefined
        ? `Mũi ${doseNumber ?? ''} chưa có trên Sổ sức khỏe điện tử`
        : options.description,
      open ? sla.slaStage : 3,
      open ? sla.slaNextAt : null,
      open ? null : new Date(receivedAt.getTime() + HOUR_MS),
    ],
  );
  if (options.filedEvent !== false) {
    await t.db.query(
      `INSERT INTO ticket_events (ticket_id, at, action, to_status, to_unit_code, is_public)
       VALUES ($1, $2, $3, 'ASSIGNED', $4, true)`,
      [row.id, receivedAt, TicketAction.Filed, unitCode],
    );
  }
  return (await t.db.getRepository(Ticket).findOneByOrFail({ id: row.id })) as Ticket;
}

/** A well-formed tracking code that no ticket has (random: for "missing" next to "outside reach"). */
export const unknownTrackingCode = () => newTrackingCode();

/** Stores a file through the app's AttachmentStore and attaches it to a ticket, as intake does. */
export async function newAttachment(
  t: TestApp,
  ticket: Pick<Ticket, 'id'>,
  content: Buffer,
  contentType = 'image/png',
): Promise<{ id: string; storageKey: string }> {
  const stored = await t.app.get(AttachmentStore).put(content);
  const [row] = await t.db.query(
    `INSERT INTO attachments (ticket_id, content_type, size, sha256, storage_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [ticket.id, contentType, stored.size, stored.sha256, stored.key, t.clock.now()],
  );
  return { id: row.id, storageKey: stored.key };
}
