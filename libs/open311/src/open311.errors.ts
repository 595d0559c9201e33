import { defineErrors, registerValidationMessages } from '@phananh/core';

/**
 * Open311 errors. Codes are persisted in clients (the problem `type` of the admin routes):
 * never rename one. On the GeoReport routes each leaves as the specification's list entry
 * `{ code: <HTTP status>, description }`.
 */
export const Open311Errors = defineErrors({
  OPEN311_API_KEY_INVALID: {
    status: 403,
    vi: 'api_key không hợp lệ hoặc đã bị thu hồi',
    en: 'Invalid api_key received (unknown or revoked)',
  },
  OPEN311_API_KEY_RATE_LIMITED: {
    status: 429,
    vi: 'api_key này đã gửi quá số yêu cầu cho phép trong một phút, vui lòng thử lại sau',
    en: 'Too many requests with this api_key in a minute; try again later',
  },
  OPEN311_SERVICE_NOT_FOUND: { status: 404, vi: 'Không có service_code này', en: 'service_code not found' },
  OPEN311_REQUEST_NOT_FOUND: { status: 404, vi: 'Không có service_request_id này', en: 'service_request_id not found' },
  OPEN311_TOKEN_NOT_FOUND: { status: 404, vi: 'Không có token này', en: 'token not found' },
  OPEN311_FORMAT_NOT_FOUND: {
    status: 404,
    vi: 'Định dạng không được hỗ trợ: dùng .json hoặc .xml',
    en: 'Unsupported format: use .json or .xml',
  },
  OPEN311_KEY_NOT_FOUND: { status: 404, vi: 'Không có khóa Open311 này', en: 'No such Open311 key' },
  OPEN311_KEY_REVOKED: { status: 409, vi: 'Khóa Open311 này đã bị thu hồi', en: 'This Open311 key is already revoked' },
});

/** Validation messages of the GeoReport parameters; none repeats the value that was sent. */
export const Open311Validation = registerValidationMessages({
  OPEN311_PARAMETER_REQUIRED: { vi: 'Thiếu tham số bắt buộc', en: 'This parameter is required' },
  OPEN311_PARAMETER_REPEATED: { vi: 'Tham số chỉ được gửi một lần', en: 'The parameter may be given only once' },
  OPEN311_ATTRIBUTE_UNKNOWN: {
    vi: 'Thuộc tính không có trong định nghĩa dịch vụ',
    en: 'Not an attribute of the service definition',
  },
  OPEN311_PARAMETER_UNKNOWN: {
    vi: 'Tham số không có trong GeoReport v2',
    en: 'Not a GeoReport v2 parameter',
  },
  OPEN311_DATE_INVALID: {
    vi: 'Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2021-11-03T00:00:00+07:00',
    en: 'Must be an ISO 8601 instant with an offset, e.g. 2021-11-03T00:00:00+07:00',
  },
  OPEN311_DATE_SPAN: {
    vi: 'Khoảng từ start_date đến end_date phải dương và không quá 90 ngày',
    en: 'The span from start_date to end_date must be positive and at most 90 days',
  },
  OPEN311_STATUS_INVALID: { vi: 'Phải là open, closed hoặc cả hai', en: 'Must be open, closed or both' },
  OPEN311_REQUEST_IDS_INVALID: {
    vi: 'Phải là tối đa 100 mã yêu cầu (số), ngăn cách bằng dấu phẩy',
    en: 'Must be at most 100 request ids (digits), separated by commas',
  },
  OPEN311_FORM_REQUIRED: {
    vi: 'Gửi yêu cầu dưới dạng application/x-www-form-urlencoded',
    en: 'Send the request as application/x-www-form-urlencoded',
  },
});
