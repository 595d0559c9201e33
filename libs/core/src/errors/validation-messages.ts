import { Logger } from '@nestjs/common';
import { FieldError, Localized } from './app-error';

/**
 * Vietnamese and English messages for validation codes, registered explicitly: a code with
 * no message is a bug, found by apps/api/src/http/validation-codes.spec.ts. Core's codes are
 * class-validator's constraint names and those any lib may use; libs add their own (e.g.
 * CITIZEN_ID_CMND) with registerValidationMessages. `{0}`, `{1}` are the constraint's arguments.
 */
const CORE_MESSAGES = {
  isDefined: { vi: 'Trường này là bắt buộc', en: 'This field is required' },
  isNotEmpty: { vi: 'Trường này là bắt buộc', en: 'This field is required' },
  whitelistValidation: { vi: 'Trường này không được phép', en: 'This field is not allowed' },
  unknownField: { vi: 'Trường này không được phép', en: 'This field is not allowed' },
  isString: { vi: 'Phải là chuỗi ký tự', en: 'Must be a string' },
  nulCharacter: { vi: 'Không được chứa ký tự NUL (U+0000)', en: 'Must not contain the NUL character (U+0000)' },
  isInt: { vi: 'Phải là số nguyên', en: 'Must be an integer' },
  isNumber: { vi: 'Phải là số', en: 'Must be a number' },
  isBoolean: { vi: 'Phải là true hoặc false', en: 'Must be true or false' },
  isBooleanString: { vi: 'Phải là true hoặc false', en: 'Must be true or false' },
  min: { vi: 'Không được nhỏ hơn {0}', en: 'Must not be less than {0}' },
  max: { vi: 'Không được lớn hơn {0}', en: 'Must not be greater than {0}' },
  minLength: { vi: 'Phải có ít nhất {0} ký tự', en: 'Must be at least {0} characters long' },
  maxLength: { vi: 'Không được dài quá {0} ký tự', en: 'Must be at most {0} characters long' },
  isLength: { vi: 'Độ dài phải từ {0} đến {1} ký tự', en: 'Must be {0} to {1} characters long' },
  isIn: { vi: 'Giá trị không thuộc danh sách cho phép', en: 'Must be one of the allowed values' },
  isEnum: { vi: 'Giá trị không thuộc danh sách cho phép', en: 'Must be one of the allowed values' },
  isObject: { vi: 'Phải là một đối tượng', en: 'Must be an object' },
  nestedValidation: { vi: 'Phải là một đối tượng', en: 'Must be an object' },
  isArray: { vi: 'Phải là một danh sách', en: 'Must be a list' },
  arrayMaxSize: { vi: 'Không được quá {0} phần tử', en: 'Must have at most {0} items' },
  arrayMinSize: { vi: 'Phải có ít nhất {0} phần tử', en: 'Must have at least {0} items' },
  arrayNotEmpty: { vi: 'Phải có ít nhất một phần tử', en: 'Must have at least one item' },
  arrayUnique: { vi: 'Các phần tử không được trùng nhau', en: 'Items must not repeat' },
  isDateString: { vi: 'Phải là thời điểm ISO 8601', en: 'Must be an ISO 8601 instant' },
  isISO8601: { vi: 'Phải là thời điểm ISO 8601', en: 'Must be an ISO 8601 instant' },
  isUrl: { vi: 'Phải là địa chỉ URL hợp lệ', en: 'Must be a valid URL' },
  isEmail: { vi: 'Phải là địa chỉ e-mail hợp lệ', en: 'Must be a valid e-mail address' },
  isUUID: { vi: 'Phải là mã UUID', en: 'Must be a UUID' },
  matches: { vi: 'Định dạng không hợp lệ', en: 'Invalid format' },
  calendarDate: { vi: 'Phải là ngày thật, dạng YYYY-MM-DD', en: 'Must be a real date written YYYY-MM-DD' },
  invalid: { vi: 'Giá trị không hợp lệ', en: 'Invalid value' },
  tooDeep: { vi: 'Dữ liệu lồng nhau quá sâu', en: 'Nested too deeply' },
  // class-validator's answer to an object it has no rules for (forbidUnknownValues).
  unknownValue: { vi: 'Giá trị không hợp lệ', en: 'Invalid value' },
  CURSOR_INVALID: { vi: 'Con trỏ trang không hợp lệ', en: 'Invalid page cursor' },
  UNIT_UNKNOWN: { vi: 'Không có đơn vị với mã này', en: 'No unit has this code' },
} satisfies Record<string, Localized>;

export type CoreValidationCode = keyof typeof CORE_MESSAGES;

const registry = new Map<string, Localized>();
const logger = new Logger('Validation');
const reported = new Set<string>();

/** The codes of one catalogue (and core's), each with its message: typed, so an unregistered code does not compile. */
export interface ValidationMessages<K extends string> {
  message(code: K | CoreValidationCode, args?: unknown[]): Localized;
  fieldError(field: string, code: K | CoreValidationCode, args?: unknown[]): FieldError;
}

/**
 * Registers a lib's codes and answers its typed catalogue. A code registered again with
 * other words throws at start-up: one code, one message, whichever lib reports it.
 */
export function registerValidationMessages<K extends string>(entries: Record<K, Localized>): ValidationMessages<K> {
  for (const [code, text] of Object.entries<Localized>(entries)) {
    const known = registry.get(code);
    if (known && (known.vi !== text.vi || known.en !== text.en)) {
      throw new Error(`validation code ${code} is registered twice, with different messages`);
    }
    registry.set(code, text);
  }
  return {
    message: (code, args) => validationMessage(code, args),
    fieldError: (field, code, args) => ({ field, code, message: validationMessage(code, args) }),
  };
}

/** Core's codes, for callers with no catalogue of their own. */
export const coreValidation = registerValidationMessages(CORE_MESSAGES);

/** Every registered code, for the test that checks each code the service can produce has a message. */
export function registeredValidationCodes(): ReadonlySet<string> {
  return new Set(registry.keys());
}

/**
 * The message of a code (e.g. a class-validator constraint name, known only at run time).
 * An unregistered code throws in development and tests; in production it answers the generic
 * "invalid" message and logs the code once (never the value, which may be personal data).
 */
export function validationMessage(code: string, args: unknown[] = []): Localized {
  let template = registry.get(code);
  if (!template) {
    // Like loadConfig, an unset NODE_ENV is production: only development and tests throw.
    if (process.env.NODE_ENV === 'development' || process.env.NODE_ENV === 'test') {
      throw new Error(`validation code ${code} has no registered message`);
    }
    if (!reported.has(code)) {
      reported.add(code);
      logger.error({ code }, 'validation code without a registered message; answered with the generic one');
    }
    template = CORE_MESSAGES.invalid;
  }
  const fill = (s: string) => s.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
  return { vi: fill(template.vi), en: fill(template.en) };
}
