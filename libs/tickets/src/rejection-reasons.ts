import { Localized } from '@phananh/core';

/**
 * Standard rejection reasons of the Ministry of Health's process (instruction
 * 9458/BYT-CNTT, 08 Nov 2021), plus OTHER, which needs a note. Codes are persisted
 * and shown to citizens: never rename one.
 */
export const REJECTION_REASONS: readonly { code: string; text: Localized }[] = [
  {
    code: 'FORM_MISSING_DATA',
    text: { vi: 'Phiếu không có ngày tiêm, mũi tiêm hoặc loại vắc xin', en: 'The form has no date, dose or vaccine' },
  },
  { code: 'NAME_MISMATCH', text: { vi: 'Họ tên không khớp', en: 'The name does not match' } },
  {
    code: 'SELFIE_ONLY',
    text: { vi: 'Chỉ đính kèm ảnh chân dung, không có giấy tờ', en: 'Only a selfie is attached' },
  },
  { code: 'DOSE_MISMATCH', text: { vi: 'Mũi tiêm không khớp', en: 'The dose does not match' } },
  { code: 'DOB_MISMATCH', text: { vi: 'Ngày sinh không khớp', en: 'The date of birth does not match' } },
  { code: 'PHOTO_UNREADABLE', text: { vi: 'Ảnh mờ hoặc bị che khuất', en: 'The photo is blurred or covered' } },
  {
    code: 'NAME_WITHOUT_DIACRITICS',
    text: { vi: 'Họ tên viết không dấu', en: 'The name is typed without diacritics' },
  },
  { code: 'VACCINE_MISMATCH', text: { vi: 'Loại vắc xin không khớp', en: 'The vaccine does not match' } },
  { code: 'FORM_EDITED', text: { vi: 'Phiếu đã bị chỉnh sửa', en: 'The form was edited' } },
  { code: 'OTHER', text: { vi: 'Lý do khác', en: 'Other reason' } },
];

/** What a rejected citizen is told to do next (docs/domain.md: go back to the vaccination facility). */
export const REJECTION_NEXT_STEP: Localized = {
  vi: 'Vui lòng mang giấy xác nhận tiêm hoặc phiếu sàng lọc đến cơ sở tiêm chủng để được hỗ trợ.',
  en: 'Please take your vaccination certificate or screening form to the vaccination facility for help.',
};

export const rejectionReason = (code: string) => REJECTION_REASONS.find((r) => r.code === code);
