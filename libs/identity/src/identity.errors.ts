import { defineErrors } from '@phananh/core';

export const IdentityErrors = defineErrors({
  INVALID_CREDENTIALS: {
    status: 401,
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng',
    en: 'Wrong username or password',
  },
  TOKEN_INVALID: {
    status: 401,
    vi: 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn',
    en: 'The access token is missing, invalid or expired',
  },
  USERNAME_TAKEN: { status: 409, vi: 'Tên đăng nhập đã được sử dụng', en: 'The username is already taken' },
  USER_NOT_FOUND: { status: 404, vi: 'Không tìm thấy tài khoản', en: 'No such user' },
  CANNOT_DISABLE_SELF: {
    status: 409,
    vi: 'Không thể tự khóa tài khoản của chính mình',
    en: 'You cannot disable your own account',
  },
  CANNOT_CHANGE_SELF: {
    status: 409,
    vi: 'Không thể tự đổi vai trò hoặc đơn vị của chính mình',
    en: 'You cannot change your own role or unit',
  },
  TOO_MANY_LOGINS: {
    status: 429,
    vi: 'Đăng nhập sai quá nhiều lần, vui lòng thử lại sau',
    en: 'Too many login attempts, try again later',
  },
  CHALLENGE_INVALID: {
    status: 401,
    vi: 'Bước đăng nhập đã hết hạn hoặc không hợp lệ, vui lòng đăng nhập lại',
    en: 'The sign-in step expired or is invalid: sign in again',
  },
  CODE_INVALID: {
    status: 401,
    vi: 'Mã xác thực không đúng, đã dùng hoặc đã hết hạn',
    en: 'The code is wrong, already used or expired',
  },
  REFRESH_INVALID: {
    status: 401,
    vi: 'Phiên đăng nhập đã kết thúc, vui lòng đăng nhập lại',
    en: 'The session has ended: sign in again',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    vi: 'Bạn phải đổi mật khẩu trước khi tiếp tục',
    en: 'You must change your password before anything else',
  },
  TWO_FACTOR_ENROLMENT_REQUIRED: {
    status: 403,
    vi: 'Bạn phải đăng ký xác thực hai lớp trước khi tiếp tục',
    en: 'You must enrol a second factor before anything else',
  },
  CURRENT_PASSWORD_WRONG: {
    status: 403,
    vi: 'Mật khẩu hiện tại không đúng',
    en: 'The current password is wrong',
  },
  TWO_FACTOR_NOT_STARTED: {
    status: 409,
    vi: 'Chưa bắt đầu đăng ký xác thực hai lớp',
    en: 'No enrolment of a second factor is in progress',
  },
  TWO_FACTOR_NOT_ENROLLED: {
    status: 409,
    vi: 'Tài khoản chưa có xác thực hai lớp',
    en: 'No second factor is enrolled',
  },
  TWO_FACTOR_REQUIRED_FOR_ROLE: {
    status: 409,
    vi: 'Vai trò của bạn bắt buộc xác thực hai lớp; hãy đăng ký lại thay vì gỡ',
    en: 'Your role requires a second factor: enrol a new one instead of removing it',
  },
  SESSION_NOT_FOUND: { status: 404, vi: 'Không tìm thấy phiên đăng nhập', en: 'No such session' },
});
