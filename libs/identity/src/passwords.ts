import { randomBytes, randomInt } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import * as argon2 from 'argon2';

/** argon2id with OWASP's minimum (19 MiB, 2 passes): ~50 ms here, costly enough to brute-force offline. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, OPTIONS);
}

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
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

/** No 0/O, 1/l/I: read aloud or copied from paper without doubt. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A one-time temporary password, handed to an official by an admin: 20 characters of a
 * 56-letter alphabet (~116 bits), in groups of five. The official must change it at first sign-in.
 */
export function temporaryPassword(): string {
  const chars = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** A recovery code: 80 random bits as 20 hex digits in groups of five (`3f9a1-0c7d2-…`). */
export function recoveryCode(): string {
  return randomBytes(10).toString('hex').match(/.{5}/g)!.join('-');
}

/** A recovery code as typed: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '');
}
