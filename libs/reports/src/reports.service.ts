import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  Clock,
  FieldError,
  Lang,
  PiiCrypto,
  maskCitizenId,
  maskPhone,
  toVnIso,
  validationError,
  vnDate,
} from '@phananh/core';
import { uniqueViolation } from '@phananh/database';
import { ReferenceService, Unit } from '@phananh/reference';
import { RoutingService } from '@phananh/routing';
import {
  FilingOutcome,
  IDEMPOTENCY_CONSTRAINT,
  TRACKING_CODE_CONSTRAINT,
  TicketRecord,
  TicketStore,
  newTicketRecord,
} from '@phananh/ticket-store';
import { CampaignsService, computeDueAt, freshSlaState } from '@phananh/sla';
import { AttachmentStore, StoredFile } from './attachments/attachment-store';
import { AttachmentType, sniffAttachmentType } from './attachments/file-type';
import { imageProblem, proofContent } from './attachments/proof-content';
import { ReportReceiptDto } from './dto/report-views.dto';
import { IDEMPOTENCY_TTL_MS } from './idempotency-retention';
import { assertSaneShape, checkReport, ValidReport } from './report-check';
import { ReceiptRow, ReportRepository } from './report.repository';
import { ReportErrors, ReportValidation, TOO_MANY_OPEN_REPORTS_DETAIL } from './reports.errors';
import { newTrackingCode } from './tracking-code';
import { ATTACHMENTS_PART } from './multipart';

/**
 * A file as the HTTP layer received it: spooled to a temporary file (which the HTTP layer
 * removes once the request is answered), with what was measured while it streamed in.
 */
export interface IncomingFile {
  /** The temporary file holding the bytes as sent. */
  path: string;
  size: number;
  /** SHA-256 of the bytes as sent (the idempotency hash is made of it). */
  sha256: Buffer;
  /** The first bytes, to judge the type from the content. */
  head: Buffer;
}

export interface FileReportCommand {
  /** The report, parsed from JSON or from the multipart `report` part, not yet validated. */
  body: unknown;
  files?: IncomingFile[];
  idempotencyKey?: string;
  /** The filing's language (Accept-Language): its messages to the citizen are written in it. Default vi. */
  lang?: Lang;
}

export type FileOutcome = 'created' | 'duplicate' | 'replayed';

export interface FileReportResult {
  statusCode: number;
  body: ReportReceiptDto;
  outcome: FileOutcome;
}

export const MAX_ATTACHMENTS = 3;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Idempotency keys share one table with other endpoints: ours are namespaced. */
const KEY_SCOPE = 'reports:';
const MAX_ATTEMPTS = 5;

const { fieldError } = ReportValidation;

/** Sorted keys, so that the same body serialised in another order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Citizen intake (docs/api.md, "Public"): validate, route, set the deadline, and write
 * the report in one statement. Nothing here touches Redis: the SLA sweeper finds new
 * tickets by their sla_next_at, so a report is accepted even while Redis is down.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repository: ReportRepository,
    private readonly tickets: TicketStore,
    private readonly reference: ReferenceService,
    private readonly campaigns: CampaignsService,
    private readonly routing: RoutingService,
    private readonly store: AttachmentStore,
    private readonly pii: PiiCrypto,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async file(command: FileReportCommand): Promise<FileReportResult> {
    const files = command.files ?? [];
    const key = this.scopedKey(command.idempotencyKey);
    assertSaneShape(command.body);
    const idem = key ? { key, requestHash: this.requestHash(command.body, files) } : null;
    const replay = idem && (await this.replay(idem));
    if (replay) return replay;

    const [report, types] = await this.validate(command.body, files);
    const unit = await this.routing.route({
      doseWardCode: report.dose?.wardCode,
      citizenWardCode: report.citizen.wardCode,
      issueType: report.issueType,
    });
    const citizenIdHash = this.pii.blindIndex(report.citizen.citizenId);
    const stored = await this.storeFiles(files, types);
    try {
      for (let attempt = 1; ; attempt++) {
        const { row, receipt } = await this.newTicket(report, unit, citizenIdHash, command.lang ?? 'vi');
        let outcome: FilingOutcome;
        try {
          outcome = await this.tickets.file({
            ticket: row,
            files: stored.map((s, i) => ({ contentType: types[i], size: s.size, sha256: s.sha256, storageKey: s.key })),
            receipt: idem && { ...idem, response: receipt },
          });
        } catch (err) {
          const constraint = uniqueViolation(err);
          if (constraint === TRACKING_CODE_CONSTRAINT && attempt < MAX_ATTEMPTS) continue;
          // A concurrent retry with the same key committed first: answer as it did.
          if (constraint === IDEMPOTENCY_CONSTRAINT && idem) {
            await this.removeFiles(stored);
            const first = await this.replay(idem);
            if (first) return first;
          }
          throw err;
        }
        // A new report, also when the citizen has an open one on the same issue and dose from
        // another phone: the same answer after the same single statement, so that neither the
        // answer nor its timing tells whether this identity number has a report.
        if (outcome === 'created') return { statusCode: 201, body: receipt, outcome: 'created' };
        if (outcome === 'limit') {
          await this.removeFiles(stored);
          throw new AppError(ReportErrors.TOO_MANY_OPEN_REPORTS, TOO_MANY_OPEN_REPORTS_DETAIL);
        }
        // A duplicate: the same identity number, issue, dose and phone as an open report. Only
        // who holds that phone gets here, and gets the earlier report back (its own code).
        const earlier = await this.repository.findOpenDuplicate(row);
        // The earlier report closed between the two statements: file this one after all.
        if (!earlier && attempt < MAX_ATTEMPTS) continue;
        if (!earlier) throw new Error('Open duplicate vanished repeatedly');
        await this.removeFiles(stored);
        // A concurrent request with the same key may be the "earlier" report: answer as it did.
        const first = idem && (await this.replay(idem));
        if (first) return first;
        const body = this.receipt(earlier);
        if (idem) await this.repository.saveIdempotency(idem.key, idem.requestHash, 200, body, row.receivedAt);
        return { statusCode: 200, body, outcome: 'duplicate' };
      }
    } catch (err) {
      await this.removeFiles(stored);
      throw err;
    }
  }

  /** The row of a report received now: its campaign, deadline and SLA ladder, its unit, its PII sealed. */
  private async newTicket(
    report: ValidReport,
    unit: Unit,
    citizenIdHash: Buffer,
    lang: Lang,
  ): Promise<{ row: TicketRecord; receipt: ReportReceiptDto }> {
    const receivedAt = this.clock.now();
    const campaign = await this.campaigns.campaignAt(receivedAt);
    const policy = this.campaigns.policyOf(campaign);
    const dueAt = computeDueAt(receivedAt, policy);
    const sla = freshSlaState(dueAt, policy);
    const { citizen, dose } = report;
    const row = newTicketRecord({
      trackingCode: newTrackingCode(),
      issueType: report.issueType,
      receivedAt,
      dueAt,
      campaignCode: campaign?.code ?? null,
      unitCode: unit.code,
      districtCode: unit.districtCode,
      provinceCode: unit.provinceCode,
      citizenName: citizen.fullName,
      citizenDob: citizen.dateOfBirth,
      citizenIdEnc: this.pii.encrypt(citizen.citizenId),
      citizenIdHash,
      phoneEnc: citizen.phone ? this.pii.encrypt(citizen.phone) : null,
      phoneHash: citizen.phone ? this.pii.blindIndex(citizen.phone) : null,
      citizenIdMasked: maskCitizenId(citizen.citizenId),
      phoneMasked: citizen.phone ? maskPhone(citizen.phone) : null,
      emailEnc: citizen.email ? this.pii.encrypt(citizen.email) : null,
      lang,
      citizenWardCode: citizen.wardCode,
      doseNumber: dose?.doseNumber ?? null,
      vaccineCode: dose?.vaccineCode ?? null,
      vaccinatedOn: dose?.vaccinatedOn ?? null,
      doseWardCode: dose?.wardCode ?? null,
      facilityName: dose?.facilityName ?? null,
      lotNumber: dose?.lotNumber ?? null,
      description: report.description,
      noticeVersion: report.noticeVersion,
      slaStage: sla.slaStage,
      slaNextAt: sla.slaNextAt,
    });
    return { row, receipt: this.receipt(row) };
  }

  receipt(row: ReceiptRow): ReportReceiptDto {
    return {
      trackingCode: row.trackingCode,
      status: row.status,
      receivedAt: toVnIso(row.receivedAt),
      dueAt: toVnIso(row.dueAt),
      campaign: row.campaignCode,
      assignedUnit: this.reference.unitRef(row.unitCode),
    };
  }

  private scopedKey(key: string | undefined): string | null {
    if (key === undefined) return null;
    if (!IDEMPOTENCY_KEY.test(key)) throw validationError([fieldError('Idempotency-Key', 'IDEMPOTENCY_KEY_INVALID')]);
    return KEY_SCOPE + key;
  }

  /** Keyed (HMAC), since a body holds an identity number that a plain hash would let anyone confirm. */
  private requestHash(body: unknown, files: IncomingFile[]): Buffer {
    const fileHashes = files.map((f) => f.sha256.toString('hex'));
    return this.pii.blindIndex(`idempotency\n${canonicalJson(body)}\n${fileHashes.join(',')}`);
  }

  private async replay({ key, requestHash }: { key: string; requestHash: Buffer }): Promise<FileReportResult | null> {
    const row = await this.repository.findIdempotency(key);
    if (!row) return null;
    const expiredBefore = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS);
    if (row.createdAt < expiredBefore) {
      await this.repository.deleteExpiredIdempotency(key, expiredBefore);
      return null;
    }
    if (!row.requestHash.equals(requestHash)) throw new AppError(ReportErrors.IDEMPOTENCY_KEY_REUSED);
    return { statusCode: row.statusCode, body: row.response as ReportReceiptDto, outcome: 'replayed' };
  }

  /** The body's checks and the files' checks together, so one answer names every bad field. */
  private async validate(body: unknown, files: IncomingFile[]): Promise<[ValidReport, AttachmentType[]]> {
    const errors: FieldError[] = [];
    let report: ValidReport | undefined;
    try {
      report = await checkReport(body, { reference: this.reference, today: vnDate(this.clock.now()) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      errors.push(...err.fieldErrors);
    }
    if (files.length > MAX_ATTACHMENTS) errors.push(fieldError(ATTACHMENTS_PART, 'ATTACHMENTS_TOO_MANY'));
    const types = files.map((file, i) => {
      if (file.size > MAX_ATTACHMENT_BYTES) errors.push(fieldError(`${ATTACHMENTS_PART}.${i}`, 'ATTACHMENT_TOO_LARGE'));
      const type = sniffAttachmentType(file.head);
      if (!type) errors.push(fieldError(`${ATTACHMENTS_PART}.${i}`, 'ATTACHMENT_TYPE'));
      return type!;
    });
    if (errors.length || !report) throw validationError(errors);
    return [report, types];
  }

  /**
   * Stores the files sealed, images re-encoded without their metadata (proof-content.ts). An
   * image the decoder refuses is the citizen's 400 on its part, like a file of the wrong type.
   */
  private async storeFiles(files: IncomingFile[], types: AttachmentType[]): Promise<StoredFile[]> {
    const stored: StoredFile[] = [];
    const errors: FieldError[] = [];
    try {
      for (const [i, file] of files.entries()) {
        try {
          stored.push(await this.store.put(proofContent(file.path, types[i])));
        } catch (err) {
          const code = imageProblem(err);
          if (!code) throw err;
          errors.push(fieldError(`${ATTACHMENTS_PART}.${i}`, code));
        }
      }
    } catch (err) {
      await this.removeFiles(stored);
      throw err;
    }
    if (errors.length) {
      await this.removeFiles(stored);
      throw validationError(errors);
    }
    return stored;
  }

  /** Removes the files of a report that was not written, and empties the list so they are removed once. */
  private async removeFiles(stored: StoredFile[]): Promise<void> {
    await Promise.all(stored.map((s) => this.store.remove(s.key).catch(() => undefined)));
    stored.length = 0;
  }
}
