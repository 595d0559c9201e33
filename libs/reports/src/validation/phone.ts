/**
 * Vietnamese mobile prefixes after the 2018 renumbering (national number without the 0):
 * 32–39, 52/55/56/58/59, 70/76–79, 81–89, 90–99. Landlines are 2 + area code, 10 digits.
 */
const MOBILE = /^(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$/;
const LANDLINE = /^2\d{9}$/;

export type PhoneProblem = 'PHONE_FORMAT' | 'PHONE_NOT_MOBILE';

/**
 * A Vietnamese mobile number as typed (`0912 345 678`, `+84 912.345.678`) in its stored
 * form `+84912345678`, or the reason it is refused: landlines and unassigned prefixes
 * are not mobile numbers; anything else is not a Vietnamese number at all.
 */
export function normalizeMobile(input: string): { phone: string } | { problem: PhoneProblem } {
  const cleaned = input.replace(/[\s.()-]/g, '');
  const match = /^(?:\+84|0)(\d+)$/.exec(cleaned);
  if (!match) return { problem: 'PHONE_FORMAT' };
  const national = match[1];
  if (MOBILE.test(national)) return { phone: `+84${national}` };
  if (LANDLINE.test(national) || national.length === 9) return { problem: 'PHONE_NOT_MOBILE' };
  return { problem: 'PHONE_FORMAT' };
}
