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
});
