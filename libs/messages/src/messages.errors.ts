import { defineErrors, registerValidationMessages } from '@phananh/core';

/** Errors of messages to citizens. Codes are persisted in clients (the problem `type`): never rename one. */
export const MessageErrors = defineErrors({
  /** An unknown code, a wrong token and a wrong identity number are the same answer. */
  OPT_OUT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy phản ánh khớp với thông tin này',
    en: 'No report matches these details',
  },
});

/** Validation messages of the message endpoints. None repeats the value sent. */
export const MessageValidation = registerValidationMessages({
  OPT_OUT_PROOF_MISSING: {
    vi: 'Cần mã xác nhận trong đường dẫn hoặc số định danh của phản ánh',
    en: "Give the link's token or the report's identity number",
  },
});
