import { defineErrors, registerValidationMessages } from '@phananh/core';

export const TicketErrors = defineErrors({
  // Also the answer for a ticket outside the caller's reach: the two must be indistinguishable.
  TICKET_NOT_FOUND: { status: 404, vi: 'Không tìm thấy phản ánh', en: 'No such report' },
  ATTACHMENT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy tệp đính kèm', en: 'No such attachment' },
  TRANSITION_NOT_ALLOWED: {
    status: 409,
    vi: 'Không thể thực hiện thao tác này ở trạng thái hiện tại của phản ánh',
    en: 'This action is not allowed in the report’s current status',
  },
  TICKET_CHANGED: {
    status: 409,
    vi: 'Phản ánh vừa được người khác cập nhật, vui lòng tải lại',
    en: 'The report was just changed by someone else; reload it',
  },
  DUPLICATE_OPEN: {
    status: 409,
    vi: 'Người dân đã có một phản ánh khác đang mở về cùng nội dung',
    en: 'The citizen has another open report about the same thing',
  },
  TICKET_ERASED: {
    status: 409,
    vi: 'Dữ liệu cá nhân của phản ánh đã được xoá khi hết thời hạn lưu trữ: không thể thay đổi phản ánh này nữa',
    en: "The report's personal data was erased at the end of its retention: it can no longer be changed",
  },
});

export const TicketValidation = registerValidationMessages({
  NOTE_REQUIRED: { vi: 'Lý do "Khác" cần ghi chú', en: 'The reason OTHER needs a note' },
  TRANSFER_SAME_UNIT: {
    vi: 'Phản ánh đã thuộc đơn vị này',
    en: 'The report is already assigned to this unit',
  },
  TRANSFER_OUTSIDE_PROVINCE: {
    vi: 'Chỉ chuyển được cho đơn vị trong tỉnh của mình',
    en: 'Reports can only be transferred to a unit in your own province',
  },
});
