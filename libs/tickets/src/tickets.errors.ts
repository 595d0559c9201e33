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
  // Merge: the report to keep. Unknown and outside the caller's reach are the same answer.
  MERGE_TARGET_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy phản ánh cần gộp vào',
    en: 'No such report to merge into',
  },
  MERGE_OTHER_CITIZEN: {
    status: 409,
    vi: 'Chỉ gộp được hai phản ánh của cùng một người dân',
    en: 'Only two reports of the same citizen can be merged',
  },
  MERGE_NOT_LINKED: {
    status: 409,
    vi: 'Hai phản ánh này không được đánh dấu là có thể trùng nhau',
    en: 'These two reports are not linked as possible duplicates',
  },
  MERGE_TARGET_CLOSED: {
    status: 409,
    vi: 'Phản ánh được giữ lại đã đóng; chỉ gộp được vào một phản ánh đang mở',
    en: 'The report to keep is closed; reports can only be merged into an open one',
  },
  DUPLICATE_OPEN: {
    status: 409,
    vi: 'Người dân đã có một phản ánh khác đang mở về cùng nội dung',
    en: 'The citizen has another open report about the same thing',
  },
  // Reply templates: unknown and out of reach (or not managed by the caller) are the same answer.
  TEMPLATE_NOT_FOUND: { status: 404, vi: 'Không tìm thấy mẫu trả lời', en: 'No such reply template' },
  // Personal assignment.
  CLAIM_NOT_OWN_UNIT: {
    status: 403,
    vi: 'Chỉ cán bộ của đơn vị được giao phản ánh mới nhận được phản ánh này',
    en: "Only an official of the report's unit can claim it",
  },
  ALREADY_ASSIGNED: {
    status: 409,
    vi: 'Phản ánh đã được giao cho một cán bộ khác',
    en: 'The report is already assigned to another official',
  },
  // Unknown and outside the caller's reach are the same answer.
  UNIT_NOT_FOUND: { status: 404, vi: 'Không tìm thấy đơn vị', en: 'No such unit' },
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
  MERGE_SAME_TICKET: {
    vi: 'Không thể gộp một phản ánh vào chính nó',
    en: 'A report cannot be merged into itself',
  },
  BULK_DUPLICATE_ITEM: {
    vi: 'Phản ánh này đã có ở phần tử trước trong cùng yêu cầu',
    en: 'This report is already an earlier item of the same request',
  },
  TEMPLATE_UNKNOWN: {
    vi: 'Không có mẫu trả lời này trong phạm vi của bạn',
    en: 'No such reply template within your reach',
  },
  TEMPLATE_WRONG_KIND: {
    vi: 'Mẫu trả lời này không dành cho thao tác này',
    en: 'This reply template is not for this action',
  },
  TEMPLATE_OTHER_REASON: {
    vi: 'Mẫu trả lời này dành cho một lý do từ chối khác',
    en: 'This reply template is for another rejection reason',
  },
  TEMPLATE_WITH_TEXT: {
    vi: 'Chọn mẫu trả lời hoặc tự ghi nội dung, không cả hai',
    en: 'Give a reply template or the text, not both',
  },
  TEMPLATE_UNIT_OUTSIDE_REACH: {
    vi: 'Chỉ tạo được mẫu trả lời cho đơn vị trong phạm vi của bạn',
    en: 'Templates can only be kept for units within your reach',
  },
  TEMPLATE_REASON_NOT_REJECTION: {
    vi: 'Chỉ mẫu trả lời từ chối mới gắn với lý do từ chối',
    en: 'Only rejection templates go with a rejection reason',
  },
  ASSIGNEE_NOT_IN_UNIT: {
    vi: 'Chỉ giao được cho một cán bộ đang hoạt động của đơn vị được giao phản ánh',
    en: "Reports can only be assigned to an active official of the report's unit",
  },
  TRANSFER_OUTSIDE_PROVINCE: {
    vi: 'Chỉ chuyển được cho đơn vị trong tỉnh của mình',
    en: 'Reports can only be transferred to a unit in your own province',
  },
});
