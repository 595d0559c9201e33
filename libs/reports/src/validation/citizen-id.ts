/** Why an identity number is refused; each is a validation code with its own message. */
export type CitizenIdProblem =
  'CITIZEN_ID_CMND' | 'CITIZEN_ID_FORMAT' | 'CITIZEN_ID_PROVINCE' | 'CITIZEN_ID_BIRTH_MISMATCH';

/**
 * The birth years a CCCD's gender/century digit and two year digits allow:
 * digit 0/1 → 1900–1999, 2/3 → 2000–2099, 4/5 → 2100–2199, and so on by pairs.
 */
export function birthYearOfCitizenId(id: string): number {
  const centuryDigit = Number(id[3]);
  return 1900 + Math.floor(centuryDigit / 2) * 100 + Number(id.slice(4, 6));
}

/**
 * Checks a 12-digit CCCD / personal identification number (docs/domain.md): the first three
 * digits must be a birth-registration province code, and the century digit and the two
 * year digits must agree with the date of birth (when that is a valid date). An old
 * 9-digit CMND gets its own problem: it no longer satisfies the platform since 01 Nov 2021.
 */
export function citizenIdProblem(
  id: string,
  dateOfBirth: string | undefined,
  isProvinceCode: (threeDigits: string) => boolean,
): CitizenIdProblem | null {
  if (/^\d{9}$/.test(id)) return 'CITIZEN_ID_CMND';
  if (!/^\d{12}$/.test(id)) return 'CITIZEN_ID_FORMAT';
  if (!isProvinceCode(id.slice(0, 3))) return 'CITIZEN_ID_PROVINCE';
  if (dateOfBirth && birthYearOfCitizenId(id) !== Number(dateOfBirth.slice(0, 4))) return 'CITIZEN_ID_BIRTH_MISMATCH';
  return null;
}
