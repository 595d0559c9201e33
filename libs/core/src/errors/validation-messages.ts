import { Localized } from './app-error';

/**
 * Vietnamese and English messages for validation codes. Generic codes are
 * class-validator's constraint names; libs add their own codes (e.g. CITIZEN_ID_CMND)
 * with registerValidationMessages. `{0}`, `{1}` are the constraint's arguments.
 */
const messages = new Map<string, Localized>(
  Object.entries({
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
    isDateString: { vi: 'Phải là thời điểm ISO 8601', en: 'Must be an ISO 8601 instant' },
    isISO8601: { vi: 'Phải là thời điểm ISO 8601', en: 'Must be an ISO 8601 instant' },
    isUrl: { vi: 'Phải là địa chỉ URL hợp lệ', en: 'Must be a valid URL' },
    isEmail: { vi: 'Phải là địa chỉ e-mail hợp lệ', en: 'Must be a valid e-mail address' },
    isUUID: { vi: 'Phải là mã UUID', en: 'Must be a UUID' },
    matches: { vi: 'Định dạng không hợp lệ', en: 'Invalid format' },
    calendarDate: { vi: 'Phải là ngày thật, dạng YYYY-MM-DD', en: 'Must be a real date written YYYY-MM-DD' },
    invalid: { vi: 'Giá trị không hợp lệ', en: 'Invalid value' },
    tooDeep: { vi: 'Dữ liệu lồng nhau quá sâu', en: 'Nested too deeply' },
    CURSOR_INVALID: { vi: 'Con trỏ trang không hợp lệ', en: 'Invalid page cursor' },
  }),
);

export function registerValidationMessages(entries: Record<string, Localized>): void {
  for (const [code, message] of Object.entries(entries)) messages.set(code, message);
}

export function validationMessage(code: string, args: unknown[] = []): Localized {
  const template = messages.get(code) ?? messages.get('invalid')!;
  const fill = (s: string) => s.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
  return { vi: fill(template.vi), en: fill(template.en) };
}
