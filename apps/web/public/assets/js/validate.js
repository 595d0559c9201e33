/**
 * The page's own checks, mirroring the server's (docs/api.md, docs/domain.md) so that most mistakes are caught
 * before sending. The server stays the authority: its field errors are shown the same way. Each check
 * returns an i18n key, or null when the value passes.
 */
export const FIRST_VACCINATION_DAY = '2021-03-08';

export const digitsOnly = (s) => s.replace(/[\s.-]/g, '');

export function checkRequired(value) {
  return value === undefined || value === null || String(value).trim() === '' ? 'v.required' : null;
}

export function isCalendarDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd ?? '');
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function checkDate(ymd, { min, max, tooEarly = 'v.dateTooEarly', future = 'v.dateFuture' } = {}) {
  if (!ymd) return 'v.required';
  if (!isCalendarDate(ymd)) return 'v.date';
  if (min && ymd < min) return tooEarly;
  if (max && ymd > max) return future;
  return null;
}

/** 12 digits whose century/gender digit and year digits agree with the date of birth; a 9-digit CMND is refused. */
export function checkCitizenId(raw, dateOfBirth) {
  const id = digitsOnly(raw ?? '');
  if (!id) return 'v.required';
  if (!/^\d+$/.test(id)) return 'v.idDigits';
  if (id.length === 9) return 'v.idCmnd';
  if (id.length !== 12) return 'v.idLength';
  if (isCalendarDate(dateOfBirth)) {
    const century = 1900 + Math.floor(Number(id[3]) / 2) * 100;
    if (century + Number(id.slice(4, 6)) !== Number(dateOfBirth.slice(0, 4))) return 'v.idDob';
  }
  return null;
}

/** A Vietnamese mobile number: 0 or +84, then a mobile prefix (3, 5, 7, 8, 9) and 8 digits. Landlines fail. */
export function checkPhone(raw) {
  const phone = (raw ?? '').replace(/[\s.()-]/g, '');
  if (!phone) return 'v.required';
  return /^(?:0|\+84)[35789]\d{8}$/.test(phone) ? null : 'v.phone';
}

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];
export const MAX_ATTACHMENTS = 3;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export function checkFiles(files) {
  if (files.length > MAX_ATTACHMENTS) return 'v.filesCount';
  if (files.some((f) => f.size > MAX_ATTACHMENT_BYTES)) return 'v.fileSize';
  if (files.some((f) => f.type && !ATTACHMENT_TYPES.includes(f.type))) return 'v.fileType';
  return null;
}
