import { Localized } from '@phananh/core';

/** A standard rejection reason: its text, the note an official starts from, and what the citizen should do next. */
export interface RejectionReason {
  code: string;
  text: Localized;
  /**
   * The note offered when the reason is picked (ticket page, bulk bar), which the official may
   * change; null for OTHER, whose note the official must write.
   */
  defaultNote: Localized | null;
  /** What the citizen is told to do next (status page), for this reason. */
  nextStep: Localized;
}

/** What a rejected citizen is told to do next when the reason says nothing more precise (docs/domain.md). */
export const REJECTION_NEXT_STEP: Localized = {
  vi: 'Vui lòng mang giấy xác nhận tiêm hoặc phiếu sàng lọc đến cơ sở tiêm chủng để được hỗ trợ.',
  en: 'Please take your vaccination certificate or screening form to the vaccination facility for help.',
};

const FILE_AGAIN: Localized = {
  vi: 'Vui lòng gửi lại phản ánh mới với ảnh chụp rõ, đủ giấy xác nhận tiêm hoặc phiếu sàng lọc.',
  en: 'Please file a new report with a clear photo of the whole vaccination certificate or screening form.',
};

/**
 * Standard rejection reasons of the Ministry of Health's process (instruction
 * 9458/BYT-CNTT, 08 Nov 2021), plus OTHER, which needs a note. Codes are persisted
 * and shown to citizens: never rename one.
 */
export const REJECTION_REASONS: readonly RejectionReason[] = [
  {
    code: 'FORM_MISSING_DATA',
    text: { vi: 'Phiếu không có ngày tiêm, mũi tiêm hoặc loại vắc xin', en: 'The form has no date, dose or vaccine' },
    defaultNote: {
      vi: 'Giấy tờ gửi kèm không ghi ngày tiêm, mũi tiêm hoặc loại vắc xin nên chưa thể cập nhật.',
      en: 'The attached paper does not show the date, the dose or the vaccine, so the record cannot be updated.',
    },
    nextStep: {
      vi: 'Vui lòng đến cơ sở đã tiêm để được ghi bổ sung thông tin mũi tiêm, rồi gửi lại phản ánh.',
      en: 'Please ask the facility that vaccinated you to complete the dose details, then file again.',
    },
  },
  {
    code: 'NAME_MISMATCH',
    text: { vi: 'Họ tên không khớp', en: 'The name does not match' },
    defaultNote: {
      vi: 'Họ tên trên giấy tờ không khớp với họ tên trong phản ánh.',
      en: 'The name on the paper does not match the name in the report.',
    },
    nextStep: {
      vi: 'Vui lòng gửi lại phản ánh với họ tên đúng như trên căn cước công dân.',
      en: 'Please file again with your name exactly as on your identity card.',
    },
  },
  {
    code: 'SELFIE_ONLY',
    text: { vi: 'Chỉ đính kèm ảnh chân dung, không có giấy tờ', en: 'Only a selfie is attached' },
    defaultNote: {
      vi: 'Ảnh đính kèm là ảnh chân dung, không phải giấy xác nhận tiêm hay phiếu sàng lọc.',
      en: 'The attached photo is a portrait, not the vaccination certificate or screening form.',
    },
    nextStep: FILE_AGAIN,
  },
  {
    code: 'DOSE_MISMATCH',
    text: { vi: 'Mũi tiêm không khớp', en: 'The dose does not match' },
    defaultNote: {
      vi: 'Mũi tiêm trong phản ánh không khớp với mũi tiêm trên giấy tờ.',
      en: 'The dose in the report does not match the dose on the paper.',
    },
    nextStep: {
      vi: 'Vui lòng kiểm tra lại mũi tiêm trên giấy xác nhận và gửi lại phản ánh.',
      en: 'Please check the dose on your certificate and file again.',
    },
  },
  {
    code: 'DOB_MISMATCH',
    text: { vi: 'Ngày sinh không khớp', en: 'The date of birth does not match' },
    defaultNote: {
      vi: 'Ngày sinh trong phản ánh không khớp với giấy tờ.',
      en: 'The date of birth in the report does not match the paper.',
    },
    nextStep: {
      vi: 'Vui lòng gửi lại phản ánh với ngày sinh đúng như trên căn cước công dân.',
      en: 'Please file again with your date of birth exactly as on your identity card.',
    },
  },
  {
    code: 'PHOTO_UNREADABLE',
    text: { vi: 'Ảnh mờ hoặc bị che khuất', en: 'The photo is blurred or covered' },
    defaultNote: {
      vi: 'Ảnh giấy tờ bị mờ hoặc bị che, không đọc được thông tin mũi tiêm.',
      en: 'The photo of the paper is blurred or covered: the dose details cannot be read.',
    },
    nextStep: FILE_AGAIN,
  },
  {
    code: 'NAME_WITHOUT_DIACRITICS',
    text: { vi: 'Họ tên viết không dấu', en: 'The name is typed without diacritics' },
    defaultNote: {
      vi: 'Họ tên được viết không dấu nên không đối chiếu được với hồ sơ tiêm chủng.',
      en: 'The name is typed without diacritics, so it cannot be matched with the vaccination record.',
    },
    nextStep: {
      vi: 'Vui lòng gửi lại phản ánh với họ tên viết có dấu đầy đủ.',
      en: 'Please file again with your name typed with all its diacritics.',
    },
  },
  {
    code: 'VACCINE_MISMATCH',
    text: { vi: 'Loại vắc xin không khớp', en: 'The vaccine does not match' },
    defaultNote: {
      vi: 'Loại vắc xin trong phản ánh không khớp với giấy tờ.',
      en: 'The vaccine in the report does not match the paper.',
    },
    nextStep: {
      vi: 'Vui lòng kiểm tra lại loại vắc xin trên giấy xác nhận và gửi lại phản ánh.',
      en: 'Please check the vaccine on your certificate and file again.',
    },
  },
  {
    code: 'FORM_EDITED',
    text: { vi: 'Phiếu đã bị chỉnh sửa', en: 'The form was edited' },
    defaultNote: {
      vi: 'Giấy tờ gửi kèm có dấu hiệu bị chỉnh sửa nên không được chấp nhận.',
      en: 'The attached paper shows signs of editing and cannot be accepted.',
    },
    nextStep: REJECTION_NEXT_STEP,
  },
  { code: 'OTHER', text: { vi: 'Lý do khác', en: 'Other reason' }, defaultNote: null, nextStep: REJECTION_NEXT_STEP },
];

export const rejectionReason = (code: string) => REJECTION_REASONS.find((r) => r.code === code);
