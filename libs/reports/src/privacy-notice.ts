/**
 * The privacy notice the report form shows before filing, and the version a filing must name
 * (`consent.noticeVersion`, stored on the ticket as notice_version). Change the wording, and
 * the version changes with it: a filing then has to name the new one, so every stored
 * version names the text its citizen saw. The number of days is RETENTION_DAYS, filled in
 * when served (GET /api/v1/reference/privacy-notice).
 */
export const PRIVACY_NOTICE_VERSION = '2025-11-29';

/** Rows filed before the form showed any notice (migration PersonalDataRetention). */
export const NO_NOTICE_VERSION = 'none';

export interface PrivacyNoticeText {
  title: string;
  /** What is collected and why; who sees it; when it is erased; the citizen's rights. */
  items: string[];
  /** What the citizen agrees to by ticking the box. */
  accept: string;
}

export interface PrivacyNotice {
  version: string;
  retentionDays: number;
  vi: PrivacyNoticeText;
  en: PrivacyNoticeText;
}

export function privacyNotice(retentionDays: number): PrivacyNotice {
  return {
    version: PRIVACY_NOTICE_VERSION,
    retentionDays,
    vi: {
      title: 'Thông báo về xử lý dữ liệu cá nhân',
      items: [
        'Mục đích: họ tên, ngày sinh, số định danh cá nhân, số điện thoại, thông tin mũi tiêm, ghi chú và ảnh giấy tờ ' +
          'bạn gửi chỉ được dùng để kiểm tra và điều chỉnh dữ liệu tiêm chủng COVID-19 của chính bạn.',
        'Người được xem: chỉ cán bộ của cơ sở y tế được giao xử lý phản ánh (trạm y tế, trung tâm y tế, sở y tế) và ' +
          'cán bộ cấp trên quản lý trực tiếp. Dữ liệu không được công bố và không được chuyển cho bên khác.',
        `Thời hạn lưu trữ: ${retentionDays} ngày sau hạn chót xử lý của đợt rà soát (ngoài đợt rà soát: sau khi ` +
          'phản ánh được xử lý xong), số định danh, số điện thoại, họ tên, ngày sinh, ghi chú và ảnh giấy tờ bị xoá; ' +
          'chỉ còn lại số liệu thống kê không gắn với bạn.',
        'Quyền của bạn: theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, bạn có quyền được biết, xem, yêu cầu ' +
          'chỉnh sửa hoặc xoá dữ liệu của mình và rút lại sự đồng ý, bằng cách liên hệ cơ sở y tế được giao xử lý ' +
          'phản ánh (ghi trên phiếu tiếp nhận).',
      ],
      accept:
        'Tôi đã đọc thông báo trên và đồng ý để cơ sở y tế xử lý dữ liệu cá nhân của tôi, kể cả dữ liệu về sức khoẻ, ' +
        'cho mục đích này.',
    },
    en: {
      title: 'How your personal data is processed',
      items: [
        'Purpose: the name, date of birth, identity number, phone number, dose details, notes and photos of papers ' +
          'you send are used only to check and correct your own COVID-19 vaccination record.',
        'Who sees them: only the officials of the health unit that handles the report (ward health station, district ' +
          'health centre, provincial health department) and the officials directly above them. They are not ' +
          'published and not passed to anyone else.',
        `How long: ${retentionDays} days after the cutoff of the review campaign (outside a campaign: after the ` +
          'report is closed), the identity number, phone number, name, date of birth, notes and photos are erased; ' +
          'only figures that do not point to you remain.',
        'Your rights: under Decree 13/2023/ND-CP on personal data protection you may be informed, see your data, have ' +
          'it corrected or deleted, and withdraw your consent, by contacting the health unit that handles the report ' +
          '(named on the receipt).',
      ],
      accept:
        'I have read this notice and agree that the health units process my personal data, health data included, ' +
        'for this purpose.',
    },
  };
}
