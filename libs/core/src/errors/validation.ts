import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import { AppError, CommonErrors, FieldError } from './app-error';
import { coreValidation, validationMessage } from './validation-messages';

/** Options shared by the HTTP pipe and by validateDto: unknown fields are errors. */
export const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** Deeper than any body or query the API accepts. class-transformer recurses, so deeper input is refused before it. */
export const MAX_INPUT_DEPTH = 16;

/** The dotted path at which `value` nests deeper than `limit` (iteratively, so any depth is safe), or undefined. */
export function tooDeepAt(value: unknown, limit = MAX_INPUT_DEPTH): string | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (pending.length) {
    const next = pending.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= limit) return next.path;
    for (const key of Object.keys(next.value)) {
      const path = next.path ? `${next.path}.${key}` : key;
      pending.push({ value: (next.value as Record<string, unknown>)[key], path, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/** A validation error for input nested deeper than MAX_INPUT_DEPTH, or undefined when it is not. */
export function depthError(value: unknown): AppError | undefined {
  const at = tooDeepAt(value);
  return at === undefined ? undefined : validationError([coreValidation.fieldError(at, 'tooDeep')]);
}

/** The dotted path of the first string holding U+0000 (PostgreSQL text cannot store it), or undefined. */
export function nulCharacterAt(value: unknown, prefix = ''): string | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: prefix, depth: 0 }];
  while (pending.length) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      if (next.value.includes('\u0000')) return next.path;
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null || next.depth > MAX_INPUT_DEPTH) continue;
    for (const key of Object.keys(next.value)) {
      const path = next.path ? `${next.path}.${key}` : key;
      if (key.includes('\u0000')) return path;
      pending.push({ value: (next.value as Record<string, unknown>)[key], path, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/** A validation error naming the field that holds a NUL character, or undefined when none does. */
export function nulCharacterError(value: unknown, prefix = ''): AppError | undefined {
  const at = nulCharacterAt(value, prefix);
  return at === undefined ? undefined : validationError([coreValidation.fieldError(at, 'nulCharacter')]);
}

/** Flattens class-validator's tree into one entry per bad field, with dotted paths. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      // A missing value is best reported as missing; otherwise the first constraint that failed.
      const failed = Object.keys(error.constraints);
      const code = failed.includes('isDefined') ? 'isDefined' : failed.reverse()[0];
      const args = (error.contexts?.[code]?.args as unknown[] | undefined) ?? argsOf(error, code);
      out.push({ field, code, message: validationMessage(code, args) });
    }
    if (error.children?.length) out.push(...toFieldErrors(error.children, field));
  }
  return out;
}

/** class-validator keeps the constraint arguments only inside its message; read them back for ours. */
function argsOf(error: ValidationError, code: string): unknown[] {
  const text = error.constraints?.[code] ?? '';
  return [...text.matchAll(/(-?\d+(?:\.\d+)?)/g)].map((m) => m[1]);
}

export function validationError(fieldErrors: FieldError[]): AppError {
  return new AppError(CommonErrors.VALIDATION_FAILED, undefined, fieldErrors);
}

/** Validates a plain object (e.g. a multipart JSON part) exactly as the HTTP pipe does. */
export async function validateDto<T extends object>(cls: ClassConstructor<T>, plain: unknown): Promise<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw validationError([coreValidation.fieldError('', 'isObject')]);
  }
  const refused = depthError(plain) ?? nulCharacterError(plain);
  if (refused) throw refused;
  const instance = plainToInstance(cls, plain);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw validationError(toFieldErrors(errors));
  return instance;
}
