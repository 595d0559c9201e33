import { randomInt } from 'node:crypto';
import { HOUR_MS, PiiCrypto } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { AttachmentStore, PRIVACY_NOTICE_VERSION, newTrackingCode, normalizeMobile } from '@phananh/reports';
import { CampaignsService, computeDueAt, freshSlaState } from '@phananh/sla';
import {
  IssueType,
  NewTicketEvent,
  TicketAction,
  TicketRecord,
  TicketStatus,
  TicketStore,
  isOpen,
} from '@phananh/ticket-store';
import type { INestApplicationContext } from '@nestjs/common';
import type { TestApp } from '../test-app';

/** What the factory needs of an app: a whole TestApp, or a testing module with the platform and tickets. */
export type TicketContext = Pick<TestApp, 'db' | 'clock'> & { app: INestApplicationContext };

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
  /** Insert the public FILED event, as intake does (default true; newTicket only). */
  filedEvent?: boolean;
  /** When it was closed, for a closed status (default: an hour after receivedAt). */
  closedAt?: Date;
  /** The id of the earlier report it is linked to as a possible duplicate (default none). */
  duplicateOf?: string | null;
  /** The citizen's e-mail for messages (default none). */
  email?: string;
  /** The filing's language (default vi). */
  lang?: 'vi' | 'en';
}

const intakePhone = (phone: string) => {
  const normalized = normalizeMobile(phone);
  return 'phone' in normalized ? normalized.phone : phone;
};

/** A ticket as newTicket inserted it. */
export type TestTicket = TicketRecord & { id: string };

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
 * A valid ticket record (encrypted identity and phone through the app's PiiCrypto), with the
 * denormalised district and province of its unit and fresh SLA columns. It leaves the masked
 * columns empty, as on rows written before they existed, so the suites that use it cover the
 * views' fallback.
 */
export async function ticketRecord(t: TicketContext, options: NewTicketOptions = {}): Promise<TicketRecord> {
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
  const withDose = doseNumber !== null;
  return {
    trackingCode: options.trackingCode ?? newTrackingCode(),
    status,
    issueType: options.issueType ?? IssueType.MissingDose,
    receivedAt,
    dueAt,
    overdueSince: options.overdueSince ?? null,
    cutoffMissed: false,
    campaignCode: campaign?.code ?? null,
    unitCode,
    districtCode: lineage.find((u) => u.level === 'district')?.code ?? null,
    provinceCode: lineage[lineage.length - 1].code,
    citizenName: options.citizenName ?? 'Nguyễn Văn An',
    citizenDob: options.citizenDob ?? '1990-05-17',
    citizenIdEnc: pii.encrypt(citizenId),
    citizenIdHash: pii.blindIndex(citizenId),
    phoneEnc: phone === null ? null : pii.encrypt(phone),
    // Hashed as intake hashes it (+84…), so that a filing from the same phone matches.
    phoneHash: phone === null ? null : pii.blindIndex(intakePhone(phone)),
    citizenIdMasked: null,
    phoneMasked: null,
    citizenWardCode: unitCode,
    doseNumber,
    vaccineCode: withDose ? 'COMIRNATY' : null,
    vaccinatedOn: withDose ? '2021-10-20' : null,
    doseWardCode: withDose ? unitCode : null,
    facilityName: withDose ? 'Trạm Y tế' : null,
    lotNumber: null,
    description:
      options.description === undefined
        ? `Mũi ${doseNumber ?? ''} chưa có trên Sổ sức khỏe điện tử`
        : options.description,
    resolution: null,
    rejectionReasonCode: null,
    rejectionNote: null,
    duplicateOf: options.duplicateOf ?? null,
    mergedInto: null,
    slaStage: open ? sla.slaStage : 3,
    slaNextAt: open ? sla.slaNextAt : null,
    version: 1,
    updatedAt: receivedAt,
    closedAt: open ? null : (options.closedAt ?? new Date(receivedAt.getTime() + HOUR_MS)),
    piiErasedAt: null,
    noticeVersion: PRIVACY_NOTICE_VERSION,
    emailEnc: options.email ? pii.encrypt(options.email) : null,
    lang: options.lang ?? 'vi',
  };
}

/** Inserts a ticket directly through the TicketStore, for tests that need tickets without going through intake. */
export async function newTicket(t: TicketContext, options: NewTicketOptions = {}): Promise<TestTicket> {
  const ticket = await ticketRecord(t, options);
  const store = t.app.get(TicketStore);
  const [id] = await store.insert(t.db, [ticket]);
  if (options.filedEvent !== false) {
    await store.appendEvents(t.db, [
      {
        ticketId: id,
        at: ticket.receivedAt,
        action: TicketAction.Filed,
        toStatus: ticket.status,
        toUnitCode: ticket.unitCode,
      },
    ]);
  }
  return { id, ...ticket };
}

/** Many tickets at once (no history), inserted in statements of a few thousand: their ids, in order. */
export async function newTickets(t: TicketContext, options: NewTicketOptions[]): Promise<string[]> {
  const store = t.app.get(TicketStore);
  const ids: string[] = [];
  for (let i = 0; i < options.length; i += 5000) {
    const records = await Promise.all(options.slice(i, i + 5000).map((o) => ticketRecord(t, o)));
    ids.push(...(await store.insert(t.db, records)));
  }
  return ids;
}

/** A well-formed tracking code that no ticket has (random: for "missing" next to "outside reach"). */
export const unknownTrackingCode = () => newTrackingCode();

/** Stores a file through the app's AttachmentStore and attaches it to a ticket, as intake does. */
export async function newAttachment(
  t: TestApp,
  ticket: Pick<TestTicket, 'id'>,
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

/** Changes a ticket behind the API's back (a state the test needs), through the store's versioned update. */
export async function changeTicket(
  t: TicketContext,
  trackingCode: string,
  set: Partial<TicketRecord>,
): Promise<string> {
  const [row]: { id: string; version: number }[] = await t.db.query(
    `SELECT id, version FROM tickets WHERE tracking_code = $1`,
    [trackingCode],
  );
  if (!(await t.app.get(TicketStore).update(t.db, row.id, row.version, set, t.clock.now()))) {
    throw new Error(`changeTicket: ${trackingCode} changed meanwhile`);
  }
  return row.id;
}

/** Appends history entries, as the service would. */
export async function addTicketEvents(t: TicketContext, events: NewTicketEvent[]): Promise<void> {
  await t.app.get(TicketStore).appendEvents(t.db, events);
}
