import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, VALIDATOR_OPTIONS, toFieldErrors, validationError } from '@phananh/core';
import { IssueType } from '@phananh/ticket-store';
import { FileReportDto } from './dto/file-report.dto';
import { PRIVACY_NOTICE_VERSION } from './privacy-notice';
import { ReportValidation } from './reports.errors';
import { citizenIdProblem } from './validation/citizen-id';
import { normalizeMobile } from './validation/phone';

/** COVID-19 vaccination in Viet Nam began on this day: no dose can be older. */
export const PROGRAMME_START = '2021-03-08';
/** CCCD century digits start at 1900. */
export const EARLIEST_BIRTH = '1900-01-01';
/** Issue types that are about one dose, and so need it. */
export const DOSE_REQUIRED_FOR: readonly IssueType[] = [IssueType.MissingDose, IssueType.WrongDoseInfo];
/** Deeper than any valid report (which is 3 levels): refused before class-transformer recurses into it. */
const MAX_DEPTH = 6;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The reference lookups a report's checks need (ReferenceService has them). */
export interface ReportReference {
  provinceOfIdentityCode(code: string): string | undefined;
  vaccine(code: string): unknown;
  isLowestUnit(code: string): boolean;
}

export interface CheckContext {
  reference: ReportReference;
  /** The clock's local date in Viet Nam, YYYY-MM-DD. */
  today: string;
}

/** A report that passed every check, normalised for storage (phone as +84…, text NFC). */
export interface ValidReport {
  citizen: {
    fullName: string;
    dateOfBirth: string;
    citizenId: string;
    phone: string | null;
    /** For messages about the report, if given. */
    email: string | null;
    wardCode: string | null;
  };
  issueType: IssueType;
  dose: {
    doseNumber: number;
    vaccineCode: string;
    vaccinatedOn: string;
    wardCode: string;
    facilityName: string | null;
    lotNumber: string | null;
  } | null;
  description: string | null;
  /** The privacy notice the citizen accepted (always the current one: PRIVACY_NOTICE_VERSION). */
  noticeVersion: string;
}

const { fieldError } = ReportValidation;

/** Refuses shapes no report has and that could hurt the parsers: deep nesting, prototype keys. */
function shapeErrors(plain: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: plain, path: '', depth: 0 }];
  while (pending.length && errors.length < 20) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) {
      errors.push(fieldError(path, 'BODY_TOO_DEEP'));
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) errors.push(fieldError(child, 'unknownField'));
      else pending.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return errors;
}

/** Throws a validation error for a body no report could have (see shapeErrors); call it before walking a body. */
export function assertSaneShape(plain: unknown): void {
  const errors = shapeErrors(plain);
  if (errors.length) throw validationError(errors);
}

const CONTROL = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
const CONTROL_EXCEPT_LINES = /[\p{Cs}\u2028\u2029\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/**
 * Everything that needs the reference lists or the clock, and the rules across fields.
 * Fields that already failed a structural check are skipped, so each field is reported once.
 */
export function semanticErrors(dto: FileReportDto, ctx: CheckContext, failed: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  const ok = (path: string) => {
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') if (failed.has(p)) return false;
    return !failed.has('');
  };
  const add = (field: string, code: Parameters<typeof fieldError>[1]) => errors.push(fieldError(field, code));
  const citizen = ok('citizen') ? dto.citizen : undefined;
  const dose = ok('dose') ? dto.dose : undefined;

  let dob: string | undefined;
  if (citizen) {
    if (ok('citizen.fullName') && (!/\p{L}/u.test(citizen.fullName) || CONTROL.test(citizen.fullName)))
      add('citizen.fullName', 'PERSON_NAME');
    if (ok('citizen.dateOfBirth')) {
      if (citizen.dateOfBirth > ctx.today) add('citizen.dateOfBirth', 'DATE_OF_BIRTH_FUTURE');
      else if (citizen.dateOfBirth < EARLIEST_BIRTH) add('citizen.dateOfBirth', 'DATE_OF_BIRTH_TOO_EARLY');
      else dob = citizen.dateOfBirth;
    }
    if (ok('citizen.citizenId')) {
      const problem = citizenIdProblem(citizen.citizenId, dob, (code) => !!ctx.reference.provinceOfIdentityCode(code));
      if (problem) add('citizen.citizenId', problem);
    }
    if (ok('citizen.phone') && citizen.phone != null) {
      const phone = normalizeMobile(citizen.phone);
      if ('problem' in phone) add('citizen.phone', phone.problem);
    }
    if (ok('citizen.wardCode') && citizen.wardCode != null && !ctx.reference.isLowestUnit(citizen.wardCode))
      add('citizen.wardCode', 'WARD_CODE_UNKNOWN');
  }

  if (dose) {
    if (ok('dose.vaccineCode') && !ctx.reference.vaccine(dose.vaccineCode)) add('dose.vaccineCode', 'VACCINE_UNKNOWN');
    if (ok('dose.vaccinatedOn')) {
      if (dose.vaccinatedOn < PROGRAMME_START) add('dose.vaccinatedOn', 'VACCINATED_BEFORE_PROGRAMME');
      else if (dose.vaccinatedOn > ctx.today) add('dose.vaccinatedOn', 'VACCINATED_IN_FUTURE');
      else if (dob && dose.vaccinatedOn < dob) add('dose.vaccinatedOn', 'VACCINATED_BEFORE_BIRTH');
    }
    if (ok('dose.wardCode') && !ctx.reference.isLowestUnit(dose.wardCode)) add('dose.wardCode', 'WARD_CODE_UNKNOWN');
    for (const field of ['facilityName', 'lotNumber'] as const) {
      const value = dose[field];
      if (ok(`dose.${field}`) && value != null && CONTROL.test(value)) add(`dose.${field}`, 'TEXT_CONTROL_CHARACTERS');
    }
  } else if (dto.dose == null) {
    if (ok('issueType') && DOSE_REQUIRED_FOR.includes(dto.issueType)) add('dose', 'DOSE_REQUIRED');
    if (citizen && ok('citizen.wardCode') && citizen.wardCode == null) add('citizen.wardCode', 'WARD_CODE_REQUIRED');
  }

  if (ok('description') && dto.description != null && CONTROL_EXCEPT_LINES.test(dto.description))
    add('description', 'TEXT_CONTROL_CHARACTERS');
  if (ok('consent.noticeVersion') && dto.consent.noticeVersion !== PRIVACY_NOTICE_VERSION)
    add('consent.noticeVersion', 'NOTICE_VERSION_NOT_CURRENT');
  return errors;
}

/**
 * Checks a report body in full, structure first (class-validator) and then the rules
 * that need reference data or the clock, and answers one validation error naming every
 * bad field; or the report, normalised.
 */
export async function checkReport(plain: unknown, ctx: CheckContext): Promise<ValidReport> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw validationError([fieldError('', 'isObject')]);
  }
  assertSaneShape(plain);
  const dto = plainToInstance(FileReportDto, plain);
  const structural = toFieldErrors(await validate(dto, VALIDATOR_OPTIONS));
  const errors = [...structural, ...semanticErrors(dto, ctx, new Set(structural.map((e) => e.field)))];
  if (errors.length) throw validationError(errors);

  const { citizen, dose } = dto;
  const phone = citizen.phone == null ? null : normalizeMobile(citizen.phone);
  return {
    citizen: {
      fullName: citizen.fullName,
      dateOfBirth: citizen.dateOfBirth,
      citizenId: citizen.citizenId,
      phone: phone && 'phone' in phone ? phone.phone : null,
      email: citizen.email ?? null,
      wardCode: citizen.wardCode ?? null,
    },
    issueType: dto.issueType,
    dose: dose
      ? {
          doseNumber: dose.doseNumber,
          vaccineCode: dose.vaccineCode,
          vaccinatedOn: dose.vaccinatedOn,
          wardCode: dose.wardCode,
          facilityName: dose.facilityName ?? null,
          lotNumber: dose.lotNumber ?? null,
        }
      : null,
    description: dto.description ?? null,
    noticeVersion: dto.consent.noticeVersion,
  };
}
