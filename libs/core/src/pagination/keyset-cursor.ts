import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation';
import { coreValidation } from '../errors/validation-messages';

/** What a cursor position may hold: an instant, a bigint id (as text), a UUID, or non-empty text. */
export type CursorPart = 'instant' | 'bigint' | 'uuid' | 'text';
type PartValue<P extends CursorPart> = P extends 'instant' ? Date : string;
export type CursorValues<P extends readonly CursorPart[]> = { -readonly [I in keyof P]: PartValue<P[I]> };

/** A UUID as PostgreSQL prints one (any case): checked before a value reaches a `uuid` column. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Each part's value from the decoded JSON, or undefined when it is not one this codec writes. */
const READ: Record<CursorPart, (raw: unknown) => Date | string | undefined> = {
  instant: (raw) => {
    if (typeof raw !== 'string') return undefined;
    const at = new Date(raw);
    return !Number.isNaN(at.getTime()) && at.toISOString() === raw ? at : undefined;
  },
  bigint: (raw) => (typeof raw === 'string' && /^\d{1,19}$/.test(raw) ? raw : undefined),
  uuid: (raw) => (typeof raw === 'string' && UUID.test(raw) ? raw : undefined),
  text: (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined),
};

/** The one answer to a cursor this service did not write: 400 with the field error CURSOR_INVALID. */
export function cursorInvalid(): AppError {
  return validationError([coreValidation.fieldError('cursor', 'CURSOR_INVALID')]);
}

/**
 * A keyset-pagination cursor: the sort key of the last row of a page, opaque to clients
 * (base64url of a JSON array). Decoding checks the arity and each part's type, so nothing
 * unchecked reaches SQL, and accepts only the exact text encode() writes.
 */
export class KeysetCursor<const P extends readonly CursorPart[]> {
  constructor(private readonly parts: P) {}

  encode(values: CursorValues<P>): string {
    const json = values.map((v) => (v instanceof Date ? v.toISOString() : v));
    return Buffer.from(JSON.stringify(json)).toString('base64url');
  }

  /** The position the text names; throws the CURSOR_INVALID validation error for anything else. */
  decode(text: string): CursorValues<P> {
    const values = this.read(text);
    if (!values) throw cursorInvalid();
    return values;
  }

  private read(text: string): CursorValues<P> | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(raw) || raw.length !== this.parts.length) return undefined;
    const values = this.parts.map((part, i) => READ[part](raw[i]));
    if (values.some((v) => v === undefined)) return undefined;
    const typed = values as CursorValues<P>;
    // Base64 decoding skips stray characters: without this, many texts would name one position.
    return this.encode(typed) === text ? typed : undefined;
  }
}
