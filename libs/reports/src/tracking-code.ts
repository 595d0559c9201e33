import { randomInt } from 'node:crypto';

/**
 * 31 symbols: the digits 2–9 and the letters without I, L and O, so nothing reads as
 * 0/O or 1/I/L over the phone. 31 is prime, which is what lets one check symbol
 * catch every single-symbol mistake (and every swap of two neighbours).
 */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = TRACKING_ALPHABET.length;
/** 10 random symbols: 10 × log2(31) ≈ 49.5 bits. */
export const TRACKING_RANDOM_LENGTH = 10;
/** Read aloud in three groups: XXXX-XXXX-XXX (the last symbol is the check). */
const GROUPS = [4, 4, 3];

/** Weighted sum mod 31 that makes the full code sum to 0; weights 1..n are distinct and never 0 mod 31. */
function checkSymbol(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * TRACKING_ALPHABET.indexOf(body[i]);
  const weight = body.length + 1;
  // Find c with sum + weight·c ≡ 0 (mod 31): multiply by the inverse of `weight`.
  const inverse = modPow(weight % BASE, BASE - 2, BASE);
  return TRACKING_ALPHABET[(((BASE - (sum % BASE)) % BASE) * inverse) % BASE];
}

function modPow(base: number, exp: number, mod: number): number {
  let result = 1;
  for (let b = base % mod, e = exp; e > 0; e >>= 1, b = (b * b) % mod) if (e & 1) result = (result * b) % mod;
  return result;
}

function group(compact: string): string {
  const parts: string[] = [];
  let i = 0;
  for (const size of GROUPS) {
    parts.push(compact.slice(i, i + size));
    i += size;
  }
  return parts.join('-');
}

/** A new tracking code from the OS's cryptographic random source, e.g. `7KQM-X4HT-9PR`. */
export function newTrackingCode(): string {
  let body = '';
  for (let i = 0; i < TRACKING_RANDOM_LENGTH; i++) body += TRACKING_ALPHABET[randomInt(BASE)];
  return group(body + checkSymbol(body));
}

/**
 * The canonical form of a code as a citizen may type it (any case, with or without
 * spaces or dashes), or null when it cannot be one of ours: wrong length, a symbol
 * outside the alphabet, or a check symbol that does not match (a typo).
 */
export function normalizeTrackingCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== TRACKING_RANDOM_LENGTH + 1) return null;
  for (const ch of compact) if (!TRACKING_ALPHABET.includes(ch)) return null;
  const body = compact.slice(0, -1);
  return checkSymbol(body) === compact.slice(-1) ? group(compact) : null;
}
