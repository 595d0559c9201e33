import { defineErrors, registerValidationMessages } from '@phananh/core';

/** Report errors. Codes are persisted in clients (the problem `type`): never rename one. */
export const ReportErrors = defineErrors({
  REPORT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy phản ánh với mã tra cứu và số định danh này',
    en: 'No report matches this tracking code and identity number',
  },
  UPLOADS_BUSY: {
    status: 503,
    vi: 'Hệ thống đang nhận nhiều tệp cùng lúc, vui lòng gửi lại sau ít giây',
    en: 'Too many files are being received right now: send again in a few seconds',
  },
  /** The per-identity limit (OPEN_REPORTS_PER_CITIZEN): 409, since it lasts until a report closes, not for a while. */
  TOO_MANY_OPEN_REPORTS: {
    status: 409,
    vi: 'Số định danh này đã có quá nhiều phản ánh đang chờ xử lý',
    en: 'This identity number already has too many open reports',
  },
  REPORT_CLOSED: {
    status: 409,
    vi: 'Phản ánh này đã kết thúc, không thể rút lại',
    en: 'This report is already closed and cannot be withdrawn',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    vi: 'Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác',
    en: 'This Idempotency-Key was already used with a different request',
  },
});

/** What to do about TOO_MANY_OPEN_REPORTS; like every message here, it repeats no number. */
export const TOO_MANY_OPEN_REPORTS_DETAIL = {
  vi: 'Vui lòng chờ các phản ánh đang mở được xử lý xong, hoặc rút lại phản ánh không còn cần bằng mã tra cứu của nó, rồi gửi lại.',
  en: 'Please wait until the open reports are handled, or withdraw one you no longer need with its tracking code, then file again.',
} as const;

/**
 * Validation messages of the citizen's form. None repeats the value that was sent:
 * identity and phone numbers must never come back in an error.
 */
export const ReportValidation = registerValidationMessages({
  CITIZEN_ID_CMND: {
    vi: 'Số CMND 9 số không còn được chấp nhận: từ ngày 01/11/2021 cần nhập số CCCD hoặc mã định danh cá nhân 12 số',
    en: 'A 9-digit CMND is no longer accepted: since 01 Nov 2021 a 12-digit CCCD or personal identification number is required',
  },
  CITIZEN_ID_FORMAT: {
    vi: 'Số CCCD / mã định danh cá nhân phải gồm đúng 12 chữ số',
    en: 'The CCCD / personal identification number must be exactly 12 digits',
  },
  CITIZEN_ID_PROVINCE: {
    vi: 'Ba chữ số đầu của số CCCD không phải là mã tỉnh, thành phố nơi đăng ký khai sinh',
    en: 'The first three digits of the CCCD are not a province code of birth registration',
  },
  CITIZEN_ID_BIRTH_MISMATCH: {
    vi: 'Số CCCD không khớp với ngày sinh (chữ số thế kỷ, giới tính và năm sinh)',
    en: 'The CCCD does not agree with the date of birth (century, gender and year digits)',
  },
  DATE_OF_BIRTH_FUTURE: { vi: 'Ngày sinh không được sau ngày hôm nay', en: 'The date of birth cannot be after today' },
  DATE_OF_BIRTH_TOO_EARLY: {
    vi: 'Ngày sinh không được trước ngày 01/01/1900',
    en: 'The date of birth cannot be before 1900-01-01',
  },
  VACCINATED_BEFORE_PROGRAMME: {
    vi: 'Ngày tiêm không được trước ngày 08/03/2021, ngày bắt đầu tiêm vắc xin COVID-19 tại Việt Nam',
    en: 'The vaccination date cannot be before 2021-03-08, when COVID-19 vaccination began in Viet Nam',
  },
  VACCINATED_IN_FUTURE: {
    vi: 'Ngày tiêm không được sau ngày hôm nay',
    en: 'The vaccination date cannot be after today',
  },
  VACCINATED_BEFORE_BIRTH: {
    vi: 'Ngày tiêm không được trước ngày sinh',
    en: 'The vaccination date cannot be before the date of birth',
  },
  VACCINE_UNKNOWN: {
    vi: 'Mã vắc xin không có trong danh mục',
    en: 'Not a vaccine code from the list',
  },
  WARD_CODE_UNKNOWN: {
    vi: 'Phải là mã phường, xã, thị trấn trong danh mục năm 2021 (hoặc mã huyện đảo không có xã)',
    en: 'Must be a ward-level code from the 2021 list (or an island district without wards)',
  },
  WARD_CODE_REQUIRED: {
    vi: 'Cần mã phường, xã nơi cư trú khi không có thông tin mũi tiêm',
    en: 'The ward of residence is required when there is no dose',
  },
  DOSE_REQUIRED: {
    vi: 'Cần thông tin mũi tiêm cho loại phản ánh này',
    en: 'The dose is required for this kind of report',
  },
  PHONE_FORMAT: {
    vi: 'Số điện thoại không đúng định dạng số Việt Nam (0… hoặc +84…)',
    en: 'Not a Vietnamese phone number (0… or +84…)',
  },
  PHONE_NOT_MOBILE: {
    vi: 'Cần số điện thoại di động (không nhận số máy bàn)',
    en: 'A mobile number is required (landlines are not accepted)',
  },
  PERSON_NAME: {
    vi: 'Họ tên phải có chữ cái và không chứa ký tự điều khiển',
    en: 'The name must contain letters and no control characters',
  },
  TEXT_CONTROL_CHARACTERS: { vi: 'Không được chứa ký tự điều khiển', en: 'Must not contain control characters' },
  TRACKING_CODE_INVALID: {
    vi: 'Mã tra cứu không đúng, vui lòng kiểm tra lại từng ký tự',
    en: 'This tracking code is not valid: please check each character',
  },
  IDEMPOTENCY_KEY_INVALID: {
    vi: 'Idempotency-Key phải gồm 1 đến 255 ký tự ASCII in được',
    en: 'Idempotency-Key must be 1 to 255 printable ASCII characters',
  },
  ATTACHMENT_TYPE: {
    vi: 'Tệp phải là ảnh JPEG, PNG hoặc tệp PDF',
    en: 'The file must be a JPEG or PNG image or a PDF',
  },
  ATTACHMENT_TOO_LARGE: { vi: 'Mỗi tệp không được quá 5 MB', en: 'Each file must be at most 5 MB' },
  ATTACHMENT_IMAGE_TOO_LARGE: {
    vi: 'Ảnh không được quá 50 triệu điểm ảnh (50 megapixel)',
    en: 'An image must have at most 50 million pixels (50 megapixels)',
  },
  ATTACHMENTS_TOO_MANY: { vi: 'Tối đa 3 tệp đính kèm', en: 'At most 3 attachments' },
  MULTIPART_INVALID: {
    vi: 'Nội dung multipart/form-data không hợp lệ',
    en: 'Invalid multipart/form-data body',
  },
  BODY_TOO_DEEP: { vi: 'Dữ liệu lồng nhau quá sâu', en: 'The body is nested too deeply' },
  NOTICE_VERSION_NOT_CURRENT: {
    vi: 'Thông báo về xử lý dữ liệu cá nhân đã thay đổi: vui lòng tải lại trang, đọc và đồng ý với thông báo mới',
    en: 'The personal data notice has changed: please reload the page, read the new notice and accept it',
  },
});
