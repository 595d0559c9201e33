import { once } from 'node:events';
import { Client, ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { HOUR_MS, PiiCrypto, maskCitizenId, maskPhone } from '@phananh/core';
import { PRIVACY_NOTICE_VERSION, newTrackingCode } from '@phananh/reports';
import { DEFAULT_POLICY, DeadlinePolicy, SlaStage, advanceLadder, computeDueAt } from '@phananh/sla';
import {
  IssueType,
  NewTicketEvent,
  OPEN_STATUSES,
  TICKETS_COPY_SQL,
  TICKET_EVENTS_COPY_SQL,
  TicketAction,
  TicketStatus,
  ticketCopyLine,
  ticketEventCopyLine,
  ticketEventRecord,
} from '@phananh/ticket-store';
import { Geography, campaignInstant, generatedCitizen, pick } from './campaign-model';

export interface BulkCampaign {
  code: string;
  intakeFrom: Date;
  policy: DeadlinePolicy;
}

export interface BulkLoadOptions {
  count: number;
  /** Tickets are received in [receivedFrom, receivedTo), by the campaign's daily and hourly profiles. */
  receivedFrom: Date;
  receivedTo: Date;
  /** The campaign the tickets belong to (its policy caps dueAt); null: none, the default 48 h ladder. */
  campaign: BulkCampaign | null;
  /** Statuses, closures and each ladder's position are as they stand at this instant (default receivedTo). */
  asOf?: Date;
  /** Share of tickets still open at asOf (default 0.35); 1 for all open. */
  openShare?: number;
  /** Every ticket in this unit (a ward, district or province code) instead of wards weighted by population. */
  unitCode?: string;
  /** Every ticket open and due uniformly in [from, to) (received 48 h before): for deadline benchmarks. */
  dueBetween?: [Date, Date];
  /**
   * Leave the SLA ladder done (sla_next_at NULL) on every ticket, so that the sweeper never
   * touches them: background rows of a benchmark that measures something else.
   */
  quiet?: boolean;
  /** Write each ticket's history (FILED, ASSIGNED, and its later steps); default true. */
  events?: boolean;
  /** First citizen serial (identity numbers are unique across disjoint serial ranges). */
  serialStart?: number;
  /** Rows per COPY (tickets and then their events, per chunk). */
  chunk?: number;
  onProgress?: (loaded: number) => void;
}

export interface BulkLoadResult {
  tickets: number;
  events: number;
  open: number;
  firstId: string;
  lastId: string;
  ms: number;
}

/** Shares of the open statuses, in OPEN_STATUSES' order (ASSIGNED, IN_PROGRESS, DEFERRED). */
const OPEN_MIX = [0.6, 0.25, 0.15];
/** The history entry that put a ticket in its status, after STARTED. */
const LAST_ACTION: Record<string, TicketAction> = {
  [TicketStatus.Deferred]: TicketAction.Deferred,
  [TicketStatus.Resolved]: TicketAction.Resolved,
  [TicketStatus.Rejected]: TicketAction.Rejected,
};
const ISSUES = [
  IssueType.MissingDose,
  IssueType.MissingDose,
  IssueType.MissingDose,
  IssueType.WrongDoseInfo,
  IssueType.WrongPersonalInfo,
  IssueType.Other,
];
const VACCINES = ['VERO_CELL', 'ASTRAZENECA', 'COMIRNATY', 'SPIKEVAX', 'ABDALA'];
const REJECTIONS = ['FORM_MISSING_DATA', 'NAME_MISMATCH', 'SELFIE_ONLY', 'DOSE_MISMATCH', 'PHOTO_UNREADABLE'];

/** Phone numbers repeat across reports (families share one): a pool of ciphertexts, since AES-GCM setup dominates. */
const PHONE_POOL = 4096;

interface Sinks {
  tickets: (line: string) => void;
  events: (line: string) => void;
}

/**
 * Fills the tickets table (and ticket_events) with realistic rows at COPY speed: wards
 * weighted by population, identity numbers encrypted with the app's PiiCrypto (every citizen
 * distinct, so the one-open-report index holds), statuses, closures and SLA ladders as they
 * stand at `asOf`, and a history per ticket. Ticket ids are reserved from the identity
 * sequence first, so intake may run while it loads.
 *
 * `fast` is for an otherwise idle database (a benchmark's): it drops the secondary indexes
 * of tickets and ticket_events and the history's foreign key, streams both tables at once on
 * two connections, and builds the indexes and validates the key afterwards, which PostgreSQL
 * does far quicker in bulk than row by row.
 */
export async function bulkLoadTickets(
  databaseUrl: string,
  pii: PiiCrypto,
  options: BulkLoadOptions & { fast?: boolean },
  geography = new Geography(),
): Promise<BulkLoadResult> {
  const started = performance.now();
  const asOf = options.asOf ?? options.receivedTo;
  const openShare = options.dueBetween ? 1 : (options.openShare ?? 0.35);
  const policy = options.campaign?.policy ?? DEFAULT_POLICY;
  const chunk = options.chunk ?? 50_000;
  const withEvents = options.events ?? true;
  let serial = options.serialStart ?? Math.floor(Math.random() * 60_000_000);
  const phonePool = Array.from({ length: PHONE_POOL }, (_, i) => generatedCitizen(i, '01').phone);
  const phones = phonePool.map((phone) => pii.encrypt(phone));
  const phoneHashes = phonePool.map((phone) => pii.blindIndex(phone));
  const maskedPhones = phonePool.map(maskPhone);

  const main = new Client({ connectionString: databaseUrl, application_name: 'phananh-bulk-load' });
  await main.connect();
  const second = options.fast
    ? new Client({ connectionString: databaseUrl, application_name: 'phananh-bulk-load' })
    : null;
  await second?.connect();
  try {
    let fixedUnit: { code: string; districtCode: string | null; provinceCode: string } | undefined;
    if (options.unitCode) {
      const [row] = (
        await main.query(`SELECT code, district_code, province_code FROM units WHERE code = $1`, [options.unitCode])
      ).rows;
      if (!row) throw new Error(`bulkLoadTickets: unknown unit ${options.unitCode}`);
      fixedUnit = { code: row.code, districtCode: row.district_code, provinceCode: row.province_code };
    }
    const [{ last }] = (
      await main.query(
        `SELECT setval(pg_get_serial_sequence('tickets', 'id'),
                       nextval(pg_get_serial_sequence('tickets', 'id')) + $1 - 1) AS last`,
        [options.count],
      )
    ).rows;
    const firstId = BigInt(last) - BigInt(options.count) + 1n;
    const restore = options.fast ? await dropForLoad(main) : null;

    let open = 0;
    let events = 0;
    const makeRow = (index: number, sink: Sinks) => {
      const id = (firstId + BigInt(index)).toString();
      const ward = geography.ward();
      const unit = fixedUnit ?? { code: ward.code, districtCode: ward.districtCode, provinceCode: ward.provinceCode };
      const citizen = generatedCitizen(serial++, ward.provinceCode);
      let receivedAt: Date;
      let dueAt: Date;
      if (options.dueBetween) {
        const [from, to] = options.dueBetween;
        dueAt = new Date(from.getTime() + Math.random() * (to.getTime() - from.getTime()));
        receivedAt = new Date(dueAt.getTime() - policy.handlingHours * HOUR_MS);
      } else {
        receivedAt = campaignInstant(options.receivedFrom, options.receivedTo, options.campaign?.intakeFrom);
        dueAt = computeDueAt(receivedAt, policy);
      }
      const isOpen = Math.random() < openShare;
      let status: TicketStatus;
      let closedAt: Date | null = null;
      if (isOpen) {
        open++;
        const x = Math.random();
        status = OPEN_STATUSES[x < OPEN_MIX[0] ? 0 : x < OPEN_MIX[0] + OPEN_MIX[1] ? 1 : 2];
      } else {
        status = Math.random() < 0.85 ? TicketStatus.Resolved : TicketStatus.Rejected;
        // Most are closed on time; a tail runs past the deadline.
        const span = Math.max(asOf.getTime() - receivedAt.getTime(), 60_000);
        const hours = Math.random() < 0.85 ? Math.random() * 44 : 44 + Math.random() * 40;
        closedAt = new Date(receivedAt.getTime() + Math.max(Math.min(span, hours * HOUR_MS), 60_000));
      }
      let stage = SlaStage.Done;
      let nextAt: Date | null = null;
      let overdueSince: Date | null = null;
      if (isOpen) {
        const ladder = advanceLadder(SlaStage.DueSoon, dueAt, policy, asOf);
        stage = ladder.slaStage;
        nextAt = ladder.slaNextAt;
        if (stage > SlaStage.Overdue) overdueSince = dueAt;
        if (options.quiet) {
          stage = SlaStage.Done;
          nextAt = null;
        }
      } else if (closedAt!.getTime() > dueAt.getTime()) overdueSince = dueAt;
      const issue = pick(ISSUES);
      const withDose = issue !== IssueType.WrongPersonalInfo && issue !== IssueType.Other;
      const doseNumber = withDose ? 1 + Math.floor(Math.random() * 3) : null;
      sink.tickets(
        ticketCopyLine(id, {
          trackingCode: newTrackingCode(),
          status,
          issueType: issue,
          receivedAt,
          dueAt,
          overdueSince,
          cutoffMissed: false,
          campaignCode: options.campaign?.code ?? null,
          unitCode: unit.code,
          districtCode: unit.districtCode,
          provinceCode: unit.provinceCode,
          citizenName: citizen.fullName,
          citizenDob: citizen.dateOfBirth,
          citizenIdEnc: pii.encrypt(citizen.citizenId),
          citizenIdHash: pii.blindIndex(citizen.citizenId),
          phoneEnc: phones[serial % PHONE_POOL],
          phoneHash: phoneHashes[serial % PHONE_POOL],
          citizenIdMasked: maskCitizenId(citizen.citizenId),
          phoneMasked: maskedPhones[serial % PHONE_POOL],
          citizenWardCode: ward.code,
          doseNumber,
          vaccineCode: withDose ? pick(VACCINES) : null,
          vaccinatedOn: withDose ? '2021-09-15' : null,
          doseWardCode: withDose ? ward.code : null,
          facilityName: withDose ? `Trạm Y tế ${ward.code}` : null,
          lotNumber: null,
          description: withDose ? `Mũi ${doseNumber} chưa có trên Sổ sức khỏe điện tử` : 'Sai thông tin cá nhân',
          resolution: status === TicketStatus.Resolved ? 'Đã cập nhật trên Nền tảng' : null,
          rejectionReasonCode: status === TicketStatus.Rejected ? pick(REJECTIONS) : null,
          rejectionNote: null,
          duplicateOf: null,
          mergedInto: null,
          slaStage: stage,
          slaNextAt: nextAt,
          version: status === TicketStatus.Assigned ? 1 : 3,
          updatedAt: closedAt ?? receivedAt,
          closedAt,
          piiErasedAt: null,
          noticeVersion: PRIVACY_NOTICE_VERSION,
          emailEnc: null,
          lang: 'vi',
        }),
      );
      if (!withEvents) return;
      const ev = (e: Omit<NewTicketEvent, 'ticketId'>) => {
        events++;
        sink.events(ticketEventCopyLine(ticketEventRecord({ ticketId: id, ...e })));
      };
      const assigned = TicketStatus.Assigned;
      ev({ at: receivedAt, action: TicketAction.Filed, toStatus: assigned });
      ev({ at: receivedAt, action: TicketAction.Assigned, toStatus: assigned, toUnitCode: unit.code });
      if (status !== assigned) {
        const startedAt = new Date(receivedAt.getTime() + ((closedAt ?? asOf).getTime() - receivedAt.getTime()) / 3);
        const started = TicketStatus.InProgress;
        ev({ at: startedAt, action: TicketAction.Started, fromStatus: assigned, toStatus: started });
        if (status !== started) {
          ev({ at: closedAt ?? asOf, action: LAST_ACTION[status], fromStatus: started, toStatus: status });
        }
      }
      if (overdueSince) ev({ at: dueAt, action: TicketAction.Overdue });
    };

    const ticketsSql = TICKETS_COPY_SQL;
    const eventsSql = TICKET_EVENTS_COPY_SQL;
    if (second) {
      // Both tables stream at once, a slice at a time, so PostgreSQL works while the next slice is generated.
      const t = openCopy(main, ticketsSql);
      const e = openCopy(second, eventsSql);
      const SLICE = 1000;
      for (let base = 0; base < options.count; base += SLICE) {
        const tl: string[] = [];
        const el: string[] = [];
        const sink: Sinks = { tickets: (l) => tl.push(l), events: (l) => el.push(l) };
        for (let i = base; i < Math.min(base + SLICE, options.count); i++) makeRow(i, sink);
        await Promise.all([t.write(tl.join('')), e.write(el.join(''))]);
        if ((base / SLICE) % 50 === 49) options.onProgress?.(base + SLICE);
      }
      await Promise.all([t.end(), e.end()]);
      options.onProgress?.(options.count);
      await restoreAfterLoad(main, second, restore!);
    } else {
      for (let base = 0; base < options.count; base += chunk) {
        const size = Math.min(chunk, options.count - base);
        const tl: string[] = [];
        const el: string[] = [];
        const sink: Sinks = { tickets: (l) => tl.push(l), events: (l) => el.push(l) };
        for (let i = base; i < base + size; i++) makeRow(i, sink);
        const t = openCopy(main, ticketsSql);
        await t.write(tl.join(''));
        await t.end();
        if (el.length) {
          const e = openCopy(main, eventsSql);
          await e.write(el.join(''));
          await e.end();
        }
        options.onProgress?.(base + size);
      }
    }
    return {
      tickets: options.count,
      events,
      open,
      firstId: firstId.toString(),
      lastId: (firstId + BigInt(options.count) - 1n).toString(),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await main.end();
    await second?.end();
  }
}

function openCopy(client: ClientBase, sql: string) {
  const stream = client.query(copyFrom(sql));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  done.catch(() => undefined);
  return {
    async write(text: string) {
      if (text && !stream.write(text)) await Promise.race([once(stream, 'drain'), done]);
    },
    async end() {
      stream.end();
      await done;
    },
  };
}

interface Dropped {
  indexes: string[];
  foreignKeys: { table: string; name: string; definition: string }[];
}

async function dropForLoad(client: ClientBase): Promise<Dropped> {
  const indexes = (
    await client.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename IN ('tickets', 'ticket_events')
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    )
  ).rows as { indexname: string; indexdef: string }[];
  const foreignKeys = (
    await client.query(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE contype = 'f' AND conrelid = 'ticket_events'::regclass`,
    )
  ).rows as Dropped['foreignKeys'];
  for (const fk of foreignKeys) await client.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${fk.name}`);
  for (const ix of indexes) await client.query(`DROP INDEX ${ix.indexname}`);
  return { indexes: indexes.map((i) => i.indexdef), foreignKeys };
}

/** Builds the dropped indexes two at a time (one per connection) and puts the foreign keys back. */
async function restoreAfterLoad(a: ClientBase, b: ClientBase, dropped: Dropped): Promise<void> {
  const pending = [...dropped.indexes];
  const build = async (c: ClientBase) => {
    await c.query(`SET maintenance_work_mem = '256MB'`);
    for (let def = pending.shift(); def; def = pending.shift()) await c.query(def);
  };
  await Promise.all([build(a), build(b)]);
  for (const fk of dropped.foreignKeys) {
    await a.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${fk.name} ${fk.definition}`);
  }
  await Promise.all([a.query(`ANALYZE tickets`), b.query(`ANALYZE ticket_events`)]);
}

/** The campaign row as the loader needs it. */
export async function bulkCampaign(client: ClientBase, code: string): Promise<BulkCampaign> {
  const [row] = (
    await client.query(
      `SELECT code, intake_from, cutoff_at, handling_hours, due_soon_hours, escalate_after_hours
       FROM campaigns WHERE code = $1`,
      [code],
    )
  ).rows;
  if (!row) throw new Error(`bulkCampaign: no campaign ${code}`);
  return {
    code: row.code,
    intakeFrom: row.intake_from,
    policy: {
      handlingHours: row.handling_hours,
      dueSoonHours: row.due_soon_hours,
      escalateAfterHours: row.escalate_after_hours,
      cutoffAt: row.cutoff_at,
    },
  };
}
