import { defineErrors, registerValidationMessages } from '@phananh/core';

export const AlertsErrors = defineErrors({
  DELIVERY_NOT_DEAD: {
    status: 409,
    vi: 'Chỉ gửi lại được lần gửi đã thất bại hẳn',
    en: 'Only a dead delivery can be retried',
  },
});

export const AlertsValidation = registerValidationMessages({
  webhookAddressNotAllowed: {
    vi: 'Địa chỉ webhook phải là địa chỉ công khai (không phải mạng nội bộ hay loopback)',
    en: 'The webhook address must be public (not loopback or a private network)',
  },
  webhookHostUnresolvable: {
    vi: 'Không phân giải được tên máy chủ của webhook',
    en: 'The webhook host name does not resolve',
  },
});
