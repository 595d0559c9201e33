import { isEmail } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { FieldError, registerValidationMessages } from '@phananh/core';
import type { ReferenceService } from '@phananh/reference';
import { TicketScope, scopeHasUnit } from './reach';
import { Role } from './role';

export const AccountValidation = registerValidationMessages({
  IMPORT_NOT_UTF8: {
    vi: 'Tệp không phải UTF-8: trong Excel hãy lưu với kiểu "CSV UTF-8 (Comma delimited)"',
    en: 'The file is not UTF-8: in Excel, save it as "CSV UTF-8 (Comma delimited)"',
  },
  IMPORT_UNREADABLE: { vi: 'Không đọc được tệp CSV', en: 'The CSV file cannot be read' },
  IMPORT_EMPTY: { vi: 'Tệp không có dòng dữ liệu nào', en: 'The file has no data rows' },
  IMPORT_TOO_MANY_ROWS: {
    vi: 'Tệp có quá nhiều dòng (tối đa $1)',
    en: 'The file has too many rows (at most $1)',
  },
  IMPORT_COLUMN_MISSING: {
    vi: 'Thiếu cột: tên đăng nhập, họ và tên, vai trò, mã đơn vị, e-mail',
    en: 'A column is missing: username, full name, role, unit code, e-mail',
  },
  IMPORT_COLUMN_COUNT: {
    vi: 'Số ô của dòng khác số cột của tiêu đề',
    en: 'The row has a different number of cells than the header',
  },
  USERNAME_INVALID: {
    vi: 'Tên đăng nhập gồm 3–64 ký tự chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới',
    en: 'A username is 3–64 letters, digits, dots, hyphens or underscores',
  },
  USERNAME_REPEATED: {
    vi: 'Tên đăng nhập đã có ở một dòng trước trong tệp',
    en: 'The username is on an earlier row of the file',
  },
  USERNAME_EXISTS: { vi: 'Tên đăng nhập đã được sử dụng', en: 'The username is already taken' },
  FULL_NAME_INVALID: { vi: 'Họ và tên gồm 1–200 ký tự', en: 'A full name is 1–200 characters' },
  ROLE_INVALID: {
    vi: 'Vai trò là OFFICER (cán bộ), SUPERVISOR (giám sát viên) hoặc ADMIN (quản trị)',
    en: 'The role is OFFICER, SUPERVISOR or ADMIN',
  },
  UNIT_REQUIRED: {
    vi: 'Cán bộ và giám sát viên phải thuộc một đơn vị',
    en: 'Officers and supervisors must belong to a unit',
  },
  UNIT_OUTSIDE_REACH: {
    vi: 'Đơn vị nằm ngoài phạm vi quản lý của bạn',
    en: 'The unit is outside what you administer',
  },
  EMAIL_INVALID: { vi: 'E-mail không hợp lệ', en: 'Invalid e-mail address' },
});

/** At most this many officials per file: the whole country's 2021 staff (about 12,000) fits with room. */
export const MAX_IMPORT_ROWS = 20_000;

/** One official to create, as read from a row. */
export interface ImportRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  username: string;
  fullName: string;
  role: Role;
  unitCode: string | null;
  email: string | null;
}

/** One problem of one row (line 0: the file itself); `field` names the column. */
export interface ImportProblem {
  line: number;
  field: string;
  code: string;
  message: { vi: string; en: string };
}

export interface ParsedImport {
  /** The rows without a problem. */
  rows: ImportRow[];
  problems: ImportProblem[];
  /** Data rows read (good or not). */
  total: number;
  /** Every well-formed username with its line, good row or not: the caller checks which are taken. */
  usernames: { line: number; username: string }[];
}

type Column = 'username' | 'fullName' | 'role' | 'unitCode' | 'email';

/** Header cells as Excel users write them (Vietnamese or English), compared without accents, case, spaces or punctuation. */
const HEADERS: Record<string, Column> = {
  username: 'username',
  tendangnhap: 'username',
  fullname: 'fullName',
  hovaten: 'fullName',
  hoten: 'fullName',
  role: 'role',
  vaitro: 'role',
  unitcode: 'unitCode',
  unit: 'unitCode',
  madonvi: 'unitCode',
  email: 'email',
  thudientu: 'email',
};

const headerKey = (cell: string) =>
  cell
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;
const ROLES = new Set<string>(Object.values(Role));

const problem = (line: number, field: string, error: FieldError): ImportProblem => ({
  line,
  field,
  code: error.code,
  message: error.message,
});

/**
 * Reads and checks an officials' CSV file as Excel saves it ("CSV UTF-8", with or without the
 * byte-order mark; comma or semicolon): a header row naming the five columns in any order,
 * then one official per row. Every row's every problem is reported (not only the first), so
 * that one dry run lists all there is to fix. What needs the database (a username already
 * taken) is the caller's; what needs the reach (`reach`: the actor's) is checked here.
 */
export function parseOfficialsCsv(file: Buffer, reach: TicketScope, reference: ReferenceService): ParsedImport {
  const fileProblem = (code: Parameters<typeof AccountValidation.fieldError>[1], args?: unknown[]) => ({
    rows: [],
    total: 0,
    usernames: [],
    problems: [problem(0, 'file', AccountValidation.fieldError('file', code, args))],
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    return fileProblem('IMPORT_NOT_UTF8');
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it was read (its line): the typings do not follow that option.
    records = parse(text, {
      info: true,
      delimiter: [',', ';'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 4096,
    }) as unknown as typeof records;
  } catch {
    return fileProblem('IMPORT_UNREADABLE');
  }
  const header = records[0]?.record;
  const body = records.slice(1);
  if (!header || body.length === 0) return fileProblem('IMPORT_EMPTY');
  if (body.length > MAX_IMPORT_ROWS) return fileProblem('IMPORT_TOO_MANY_ROWS', [MAX_IMPORT_ROWS]);
  const index = new Map<Column, number>();
  header.forEach((cell, i) => {
    const column = HEADERS[headerKey(cell)];
    if (column && !index.has(column)) index.set(column, i);
  });
  if (index.size !== 5) return fileProblem('IMPORT_COLUMN_MISSING');

  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  const usernames: { line: number; username: string }[] = [];
  const seen = new Set<string>();
  body.forEach(({ record: cells, info }) => {
    // The file's line (blank lines counted, as a spreadsheet numbers its rows).
    const line = info.lines;
    const before = problems.length;
    const add = (field: Column | 'row', code: Parameters<typeof AccountValidation.fieldError>[1]) =>
      problems.push(problem(line, field, AccountValidation.fieldError(field, code)));
    if (cells.length !== header.length) {
      add('row', 'IMPORT_COLUMN_COUNT');
      return;
    }
    const cell = (c: Column) => cells[index.get(c)!] ?? '';
    const username = cell('username');
    if (!USERNAME.test(username)) add('username', 'USERNAME_INVALID');
    else if (seen.has(username.toLowerCase())) add('username', 'USERNAME_REPEATED');
    else {
      seen.add(username.toLowerCase());
      usernames.push({ line, username });
    }
    const fullName = cell('fullName');
    if (fullName.length < 1 || fullName.length > 200) add('fullName', 'FULL_NAME_INVALID');
    const role = cell('role').toUpperCase();
    if (!ROLES.has(role)) add('role', 'ROLE_INVALID');
    const unitCode = cell('unitCode') || null;
    if (unitCode !== null && !reference.unit(unitCode)) add('unitCode', 'UNIT_UNKNOWN');
    else if (unitCode === null && role !== Role.Admin) add('unitCode', 'UNIT_REQUIRED');
    else if (!scopeHasUnit(reach, unitCode, reference)) add('unitCode', 'UNIT_OUTSIDE_REACH');
    const email = cell('email') || null;
    if (email !== null && (email.length > 254 || !isEmail(email))) add('email', 'EMAIL_INVALID');
    if (problems.length === before) {
      rows.push({ line, username, fullName, role: role as Role, unitCode, email });
    }
  });
  return { rows, problems, total: body.length, usernames };
}
