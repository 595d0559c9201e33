import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import * as argon2 from 'argon2';

/** argon2id with OWASP's minimum (19 MiB, 2 passes): ~50 ms here, costly enough to brute-force offline. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, OPTIONS);
}

/** The prefix of a temporary password's hash (see hashTemporaryPassword); argon2's hashes start with `$argon2`. */
const TEMPORARY_PREFIX = '$sha256-temporary$';

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  if (hash.startsWith(TEMPORARY_PREFIX)) {
    const expected = Buffer.from(hash.slice(TEMPORARY_PREFIX.length), 'base64');
    const actual = createHash('sha256').update(plain, 'utf8').digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

/** The common-password list packaged with zxcvbn-ts (~49,000 leaked passwords), lower-cased, long enough to matter. */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    dictionary['passwords-common'].filter((p) => p.length >= MIN_PASSWORD_LENGTH).map((p) => p.toLowerCase()),
  );
  return common;
}

/** Why a chosen password is refused; none when it passes the policy. */
export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'CONTAINS_USERNAME' | 'COMMON';

/**
 * The password policy: 12–256 characters, not containing the username (any case), and not one
 * of the packaged list of common passwords (any case, whitespace around ignored).
 */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'TOO_SHORT';
  if (password.length > MAX_PASSWORD_LENGTH) return 'TOO_LONG';
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase())) return 'CONTAINS_USERNAME';
  if (commonPasswords().has(lower.trim())) return 'COMMON';
  return null;
}

/** A recovery code: 80 random bits as 20 hex digits in groups of five (`3f9a1-0c7d2-…`). */
export function recoveryCode(): string {
  return randomBytes(10).toString('hex').match(/.{5}/g)!.join('-');
}

/** A recovery code as typed: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '');
}

/** No 0/O, 1/l/I: read aloud or copied from paper without doubt. 32 symbols, 5 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * A one-time password an admin hands to an official (creation, import, reset): 4 groups of 5
 * symbols from crypto's random source, ≈ 99 bits of entropy, e.g. `k7mfq-2hxra-pw9cd-tz4nb`.
 * The official must choose a password of their own at first login (password_change_required).
 */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * The stored form of a temporary password: SHA-256, not argon2. argon2 exists to make guessing a
 * human's low-entropy password costly; a temporary password has ≈ 99 random bits, which no amount
 * of fast hashing guesses (2^98 SHA-256 on average), so the slowness buys nothing while costing
 * 50 ms of CPU and 19 MiB per official: 10 minutes of CPU for a 12,000-row import against 30 ms.
 * Only ever used for temporaryPassword()'s output; the official's own password is argon2.
 */
export function hashTemporaryPassword(plain: string): string {
  return TEMPORARY_PREFIX + createHash('sha256').update(plain, 'utf8').digest('base64');
}
