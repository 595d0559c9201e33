import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppError, Clock, FieldError, Lang, Localized, toVnIso, validationError } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { FileOutcome, ReportsService } from '@phananh/reports';
import { IssueType, OPEN_STATUS_SQL, TicketStatus, isOpen } from '@phananh/ticket-store';
import { rejectionReason } from '@phananh/tickets';
import { Open311Key } from './api-keys.service';
import { Open311Errors, Open311Validation } from './open311.errors';
import { AttributeCode, DOSE_ATTRIBUTES, isAttributeCode, isServiceCode, serviceName } from './services';

const { fieldError } = Open311Validation;

/** The standard POST parameters of GeoReport v2 besides `attribute[…]`; those this service does not use are ignored. */
const STANDARD_PARAMETERS = new Set([
  'api_key',
  'jurisdiction_id',
  'service_code',
  'address_id',
  'address_string',
  'lat',
  'long',
  'email',
  'device_id',
  'account_id',
  'first_name',
  'last_name',
  'phone',
  'description',
  'media_url',
]);
const ATTRIBUTE = /^attribute\[([^\]]*)\]$/;
/** An attribute code is named in an error only when it looks like one: nothing the client sent is echoed otherwise. */
const PRINTABLE_CODE = /^[a-z0-9_]{1,40}$/;

/** POST requests: the answer of the specification, and whether the report is new. */
export interface Open311Receipt {
  service_request_id: string;
  token: string;
  service_notice: string;
  account_id: null;
}

/** GET requests: the public fields of a report, nothing personal (no name, identity, phone, ward or text). */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  agency_responsible: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
}

export interface RequestQuery {
  service_request_id?: unknown;
  service_code?: unknown;
  start_date?: unknown;
  end_date?: unknown;
  status?: unknown;
}

interface PublicRow {
  id: string;
  status: TicketStatus;
  issueType: IssueType;
  unitCode: string;
  receivedAt: Date;
  updatedAt: Date;
  dueAt: Date;
  rejectionReasonCode: string | null;
}

const PUBLIC_COLUMNS = `t.id::text AS id, t.status, t.issue_type AS "issueType", t.unit_code AS "unitCode",
  t.received_at AS "receivedAt", t.updated_at AS "updatedAt", t.due_at AS "dueAt",
  t.rejection_reason_code AS "rejectionReasonCode"`;

/** The specification's default and largest answer: 90 days, 1000 requests. */
export const MAX_REQUESTS = 1000;
const MAX_SPAN_MS = 90 * 24 * 3600_000;
const MAX_IDS = 100;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

const STATUS_NOTES: Record<TicketStatus, Localized> = {
  [TicketStatus.Assigned]: { vi: 'Đã chuyển đến đơn vị xử lý', en: 'Assigned to the health unit' },
  [TicketStatus.InProgress]: { vi: 'Đơn vị đang xử lý', en: 'The health unit is working on it' },
  [TicketStatus.Deferred]: {
    vi: 'Tạm hoãn, chờ dữ liệu từ cơ sở tiêm chủng',
    en: 'Deferred, waiting for data from the vaccination facility',
  },
  [TicketStatus.Resolved]: { vi: 'Đã cập nhật hồ sơ tiêm chủng', en: 'The vaccination record was corrected' },
  [TicketStatus.Rejected]: { vi: 'Từ chối', en: 'Rejected' },
  [TicketStatus.Merged]: {
    vi: 'Đã gộp vào một phản ánh khác cùng nội dung',
    en: 'Merged into another report on the same matter',
  },
  [TicketStatus.Withdrawn]: { vi: 'Người dân đã rút phản ánh', en: 'Withdrawn by the citizen' },
};

/** Where a field of the report form comes from in a GeoReport POST (for the error list). */
const FORM_FIELDS: Record<string, string> = {
  'citizen.fullName': 'attribute[full_name]',
  'citizen.dateOfBirth': 'attribute[date_of_birth]',
  'citizen.citizenId': 'attribute[citizen_id]',
  'citizen.phone': 'attribute[phone]',
  issueType: 'service_code',
  dose: 'attribute[dose_number]',
  'dose.doseNumber': 'attribute[dose_number]',
  'dose.vaccineCode': 'attribute[vaccine_code]',
  'dose.vaccinatedOn': 'attribute[vaccinated_on]',
  'dose.facilityName': 'attribute[facility_name]',
  'dose.lotNumber': 'attribute[lot_number]',
  description: 'description',
  consent: 'attribute[consent_notice_version]',
  'consent.noticeVersion': 'attribute[consent_notice_version]',
};

/**
 * GeoReport v2 over the existing intake: a POST becomes a report through ReportsService (the
 * same checks, routing, deadline, duplicate rule and consent as the citizen's form); the reads
 * show the public fields of reports only.
 */
@Injectable()
export class Open311RequestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reports: ReportsService,
    private readonly reference: ReferenceService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Files a report from a POST's parameters (already past the key check). The answer's
   * service_notice gives the tracking code, for the filer to pass on to the citizen.
   */
  async file(
    params: Record<string, unknown>,
    key: Open311Key,
    lang: Lang,
  ): Promise<{ receipt: Open311Receipt; outcome: FileOutcome }> {
    const { body, rename } = this.reportBody(params);
    let result;
    try {
      result = await this.reports.file({ body });
    } catch (err) {
      if (err instanceof AppError && err.fieldErrors.length) {
        throw validationError(dedupe(err.fieldErrors.map((e) => ({ ...e, field: rename(e.field) }))));
      }
      throw err;
    }
    const receipt = result.body;
    const token = randomBytes(18).toString('base64url');
    const [row]: { id: string }[] = await this.db.query(
      `INSERT INTO open311_tokens (token, ticket_id, api_key_id, created_at)
       SELECT $1, t.id, $2, $3 FROM tickets t WHERE t.tracking_code = $4
       RETURNING ticket_id::text AS id`,
      [token, key.id, this.clock.now(), receipt.trackingCode],
    );
    const notice: Localized = {
      vi: `Mã tra cứu của người dân: ${receipt.trackingCode}. Hạn xử lý: ${receipt.dueAt}.`,
      en: `The citizen's tracking code: ${receipt.trackingCode}. Due by ${receipt.dueAt}.`,
    };
    return {
      receipt: { service_request_id: row.id, token, service_notice: notice[lang], account_id: null },
      outcome: result.outcome,
    };
  }

  /** The report form's body from GeoReport parameters, and how to name a form field back in GeoReport terms. */
  private reportBody(params: Record<string, unknown>): { body: object; rename: (field: string) => string } {
    const errors: FieldError[] = [];
    const attrs: Partial<Record<AttributeCode, string>> = {};
    const std: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      const attr = ATTRIBUTE.exec(name)?.[1];
      const field = attr === undefined ? name : `attribute[${PRINTABLE_CODE.test(attr) ? attr : '…'}]`;
      if (attr === undefined && !STANDARD_PARAMETERS.has(name)) {
        errors.push(fieldError(PRINTABLE_CODE.test(name) ? name : '…', 'OPEN311_PARAMETER_UNKNOWN'));
      } else if (attr !== undefined && !isAttributeCode(attr)) {
        errors.push(fieldError(field, 'OPEN311_ATTRIBUTE_UNKNOWN'));
      } else if (typeof value !== 'string') {
        errors.push(fieldError(field, 'OPEN311_PARAMETER_REPEATED'));
      } else if (attr !== undefined) {
        attrs[attr as AttributeCode] = value;
      } else {
        std[name] = value;
      }
    }
    const code = std.service_code;
    if (params.service_code === undefined) errors.push(fieldError('service_code', 'OPEN311_PARAMETER_REQUIRED'));
    if (errors.length) throw validationError(errors);
    if (!isServiceCode(code)) throw new AppError(Open311Errors.OPEN311_SERVICE_NOT_FOUND);

    const blank = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
    const address = blank(std.address_id);
    const hasDose = DOSE_ATTRIBUTES.some((a) => blank(attrs[a]) !== undefined);
    const doseNumber = blank(attrs.dose_number);
    const body = {
      issueType: code,
      citizen: {
        fullName: attrs.full_name,
        dateOfBirth: attrs.date_of_birth,
        citizenId: attrs.citizen_id,
        phone: blank(attrs.phone) ?? blank(std.phone),
        wardCode: blank(attrs.citizen_ward_code) ?? address,
      },
      dose: hasDose
        ? {
            doseNumber: doseNumber !== undefined && /^\d{1,2}$/.test(doseNumber) ? Number(doseNumber) : doseNumber,
            vaccineCode: attrs.vaccine_code,
            vaccinatedOn: attrs.vaccinated_on,
            wardCode: blank(attrs.dose_ward_code) ?? address,
            facilityName: attrs.facility_name,
            lotNumber: attrs.lot_number,
          }
        : undefined,
      description: std.description,
      consent: { noticeVersion: attrs.consent_notice_version },
    };
    const rename = (field: string) => {
      if (field === 'citizen.wardCode')
        return blank(attrs.citizen_ward_code) ? 'attribute[citizen_ward_code]' : 'address_id';
      if (field === 'dose.wardCode') return blank(attrs.dose_ward_code) ? 'attribute[dose_ward_code]' : 'address_id';
      return FORM_FIELDS[field] ?? (field.startsWith('citizen') || field.startsWith('dose') ? 'attribute' : field);
    };
    return { body, rename };
  }

  /** GET requests: by ids, or by date received (default: the last 90 days), service and status; newest first. */
  async list(query: RequestQuery, lang: Lang): Promise<Open311Request[]> {
    const errors: FieldError[] = [];
    const single = (name: keyof RequestQuery): string | undefined => {
      const v = query[name];
      if (v === undefined || v === '') return undefined;
      if (typeof v !== 'string') {
        errors.push(fieldError(name, 'OPEN311_PARAMETER_REPEATED'));
        return undefined;
      }
      return v;
    };
    const ids = single('service_request_id');
    const services = single('service_code');
    const status = single('status');
    const start = this.instant(single('start_date'), 'start_date', errors);
    const end = this.instant(single('end_date'), 'end_date', errors);

    let idList: string[] | undefined;
    if (ids !== undefined) {
      idList = ids.split(',').map((s) => s.trim());
      if (idList.length > MAX_IDS || !idList.every((s) => /^\d{1,18}$/.test(s)))
        errors.push(fieldError('service_request_id', 'OPEN311_REQUEST_IDS_INVALID'));
    }
    let statuses: ('open' | 'closed')[] | undefined;
    if (status !== undefined) {
      const parts = status.split(',').map((s) => s.trim());
      if (!parts.every((s) => s === 'open' || s === 'closed'))
        errors.push(fieldError('status', 'OPEN311_STATUS_INVALID'));
      else statuses = [...new Set(parts)] as ('open' | 'closed')[];
    }
    let codes: string[] | undefined;
    if (services !== undefined) {
      codes = services.split(',').map((s) => s.trim());
      if (!codes.every(isServiceCode)) throw new AppError(Open311Errors.OPEN311_SERVICE_NOT_FOUND);
    }
    const to = end ?? (start ? new Date(start.getTime() + MAX_SPAN_MS) : this.clock.now());
    const from = start ?? new Date(to.getTime() - MAX_SPAN_MS);
    if (!errors.length && (to <= from || to.getTime() - from.getTime() > MAX_SPAN_MS))
      errors.push(fieldError('end_date', 'OPEN311_DATE_SPAN'));
    if (errors.length) throw validationError(errors);

    const params: unknown[] = [];
    const where: string[] = [];
    if (idList) {
      params.push(idList);
      where.push(`t.id = ANY($${params.length}::bigint[])`);
    } else {
      params.push(from, to);
      where.push(`t.received_at >= $1 AND t.received_at <= $2`);
    }
    if (codes) {
      params.push(codes);
      where.push(`t.issue_type = ANY($${params.length}::text[])`);
    }
    if (statuses?.length === 1)
      where.push(statuses[0] === 'open' ? `t.status IN ${OPEN_STATUS_SQL}` : `t.status NOT IN ${OPEN_STATUS_SQL}`);
    const rows: PublicRow[] = await this.db.query(
      `SELECT ${PUBLIC_COLUMNS} FROM tickets t WHERE ${where.join(' AND ')}
       ORDER BY t.received_at DESC, t.id DESC LIMIT ${MAX_REQUESTS}`,
      params,
    );
    return rows.map((r) => this.view(r, lang));
  }

  /** GET requests/{id}: one report's public fields. */
  async get(id: string, lang: Lang): Promise<Open311Request> {
    if (!/^\d{1,18}$/.test(id)) throw new AppError(Open311Errors.OPEN311_REQUEST_NOT_FOUND);
    const [row]: PublicRow[] = await this.db.query(`SELECT ${PUBLIC_COLUMNS} FROM tickets t WHERE t.id = $1`, [id]);
    if (!row) throw new AppError(Open311Errors.OPEN311_REQUEST_NOT_FOUND);
    return this.view(row, lang);
  }

  /** GET tokens/{token}: the request a POST's token stands for. */
  async token(token: string): Promise<{ service_request_id: string; token: string }> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) throw new AppError(Open311Errors.OPEN311_TOKEN_NOT_FOUND);
    const [row]: { id: string }[] = await this.db.query(
      `SELECT ticket_id::text AS id FROM open311_tokens WHERE token = $1`,
      [token],
    );
    if (!row) throw new AppError(Open311Errors.OPEN311_TOKEN_NOT_FOUND);
    return { service_request_id: row.id, token };
  }

  private view(r: PublicRow, lang: Lang): Open311Request {
    let notes = STATUS_NOTES[r.status][lang];
    const reason =
      r.status === TicketStatus.Rejected && r.rejectionReasonCode ? rejectionReason(r.rejectionReasonCode) : undefined;
    if (reason) notes = `${notes}: ${reason.text[lang]}`;
    const unit = this.reference.unit(r.unitCode);
    return {
      service_request_id: r.id,
      status: isOpen(r.status) ? 'open' : 'closed',
      status_notes: notes,
      service_name: serviceName(r.issueType, lang),
      service_code: r.issueType,
      agency_responsible: unit ? this.reference.healthUnitName(unit, lang) : r.unitCode,
      requested_datetime: toVnIso(r.receivedAt),
      updated_datetime: toVnIso(r.updatedAt),
      expected_datetime: toVnIso(r.dueAt),
    };
  }

  private instant(value: string | undefined, name: string, errors: FieldError[]): Date | undefined {
    if (value === undefined) return undefined;
    if (!INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
      errors.push(fieldError(name, 'OPEN311_DATE_INVALID'));
      return undefined;
    }
    return new Date(value);
  }
}

/** One entry per field and code (address_id can stand for two form fields). */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.field}\n${e.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
