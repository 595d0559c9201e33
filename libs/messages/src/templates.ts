import { Lang, VN_OFFSET_MS } from '@phananh/core';
import { TicketAction } from '@phananh/ticket-store';
import { GSM7_SEGMENT, fitsOneSegment, gsm7Septets, plainText } from './gsm7';

/** The events a citizen hears about. */
export const MESSAGE_ACTIONS = [
  TicketAction.Assigned,
  TicketAction.Transferred,
  TicketAction.Deferred,
  TicketAction.Resolved,
  TicketAction.Rejected,
] as const;
export type MessageAction = (typeof MESSAGE_ACTIONS)[number];

/** What a message may say: the report's code, its unit now, its deadline, and for a rejection the reason. Nothing else. */
export interface MessageFacts {
  action: MessageAction;
  lang: Lang;
  trackingCode: string;
  /** The health unit's name as answers show it (with diacritics; the SMS drops them). */
  unitName: string;
  dueAt: Date;
  /** The standard reason's text, for a rejection. */
  rejectionReason: string | null;
  /** The public address (PUBLIC_BASE_URL), without a trailing slash. */
  baseUrl: string;
  /** The opt-out link of this report (e-mail only). */
  optOutUrl: string;
}

/** `13/11 08:00`, Viet Nam time. */
function shortDeadline(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)} ${local.slice(11, 16)}`;
}
/** `13/11/2021 08:00`, Viet Nam time. */
function longDeadline(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

/** The SMS: the core sentence always; the status link only when it still fits one segment. */
const SMS: Record<Lang, Record<MessageAction, (f: MessageFacts, d: string) => string>> = {
  vi: {
    [TicketAction.Assigned]: (f, d) => `Phan anh ${f.trackingCode} da giao ${f.unitName}, han xu ly ${d}.`,
    [TicketAction.Transferred]: (f, d) => `Phan anh ${f.trackingCode} da chuyen den ${f.unitName}, han xu ly ${d}.`,
    [TicketAction.Deferred]: (f) => `Phan anh ${f.trackingCode} duoc ${f.unitName} tam hoan, se xu ly tiep.`,
    [TicketAction.Resolved]: (f) => `Phan anh ${f.trackingCode} da xu ly xong, du lieu tiem chung da cap nhat.`,
    [TicketAction.Rejected]: (f) =>
      `Phan anh ${f.trackingCode} bi tu choi: ${f.rejectionReason}. Mang giay xac nhan tiem den co so tiem chung de duoc ho tro.`,
  },
  en: {
    [TicketAction.Assigned]: (f, d) => `Report ${f.trackingCode} assigned to ${f.unitName}, due ${d}.`,
    [TicketAction.Transferred]: (f, d) => `Report ${f.trackingCode} transferred to ${f.unitName}, due ${d}.`,
    [TicketAction.Deferred]: (f) => `Report ${f.trackingCode} deferred by ${f.unitName}; it will be handled later.`,
    [TicketAction.Resolved]: (f) => `Report ${f.trackingCode} resolved: your vaccination record is updated.`,
    [TicketAction.Rejected]: (f) =>
      `Report ${f.trackingCode} rejected: ${f.rejectionReason}. Take your vaccination certificate to the vaccination facility.`,
  },
};
const SMS_LINK: Record<Lang, (base: string) => string> = {
  vi: (base) => ` Tra cuu, ngung nhan tin: ${base}/status`,
  en: (base) => ` Status, stop messages: ${base}/status`,
};

/**
 * The SMS of an event: plain GSM-7 (no diacritics), one segment. The sentence is built to fit
 * with the longest unit name of the reference data (a test checks all of them); the status
 * link follows when there is room. Longer (an unusually long standard reason): cut to 160.
 */
export function composeSms(f: MessageFacts): string {
  const facts = {
    ...f,
    unitName: plainText(f.unitName),
    rejectionReason: f.rejectionReason && plainText(f.rejectionReason),
  };
  const core = plainText(SMS[f.lang][f.action](facts, shortDeadline(f.dueAt)));
  const withLink = core + plainText(SMS_LINK[f.lang](f.baseUrl));
  if (fitsOneSegment(withLink)) return withLink;
  if (fitsOneSegment(core)) return core;
  let cut = core;
  while ((gsm7Septets(cut) ?? Infinity) > GSM7_SEGMENT) cut = cut.slice(0, -1);
  return cut;
}

const SUBJECT: Record<Lang, string> = {
  vi: 'Cập nhật về phản ánh dữ liệu tiêm chủng của bạn',
  en: 'An update on your vaccination record report',
};

const LEAD: Record<Lang, Record<MessageAction, (f: MessageFacts, d: string) => string>> = {
  vi: {
    [TicketAction.Assigned]: (f, d) =>
      `Phản ánh ${f.trackingCode} của bạn đã được tiếp nhận và giao cho ${f.unitName}. Hạn xử lý: ${d} (giờ Việt Nam).`,
    [TicketAction.Transferred]: (f, d) =>
      `Phản ánh ${f.trackingCode} của bạn đã được chuyển đến ${f.unitName}. Hạn xử lý: ${d} (giờ Việt Nam).`,
    [TicketAction.Deferred]: (f) =>
      `${f.unitName} tạm hoãn xử lý phản ánh ${f.trackingCode} của bạn và sẽ xử lý tiếp; bạn không cần gửi lại.`,
    [TicketAction.Resolved]: (f) =>
      `Phản ánh ${f.trackingCode} của bạn đã được ${f.unitName} xử lý xong: dữ liệu tiêm chủng đã được cập nhật.`,
    [TicketAction.Rejected]: (f) =>
      `Phản ánh ${f.trackingCode} của bạn đã bị từ chối. Lý do: ${f.rejectionReason}.\n` +
      'Việc cần làm: vui lòng mang giấy xác nhận tiêm hoặc phiếu sàng lọc đến cơ sở tiêm chủng để được hỗ trợ.',
  },
  en: {
    [TicketAction.Assigned]: (f, d) =>
      `Your report ${f.trackingCode} was received and assigned to ${f.unitName}. Deadline: ${d} (Viet Nam time).`,
    [TicketAction.Transferred]: (f, d) =>
      `Your report ${f.trackingCode} was transferred to ${f.unitName}. Deadline: ${d} (Viet Nam time).`,
    [TicketAction.Deferred]: (f) =>
      `${f.unitName} has deferred your report ${f.trackingCode} and will handle it later; there is no need to file again.`,
    [TicketAction.Resolved]: (f) =>
      `Your report ${f.trackingCode} was resolved by ${f.unitName}: your vaccination record has been updated.`,
    [TicketAction.Rejected]: (f) =>
      `Your report ${f.trackingCode} was rejected. Reason: ${f.rejectionReason}.\n` +
      'What to do next: please take your vaccination certificate or screening form to the vaccination facility for help.',
  },
};

const FOOTER: Record<Lang, (f: MessageFacts) => string> = {
  vi: (f) =>
    `\n\nTra cứu phản ánh: ${f.baseUrl}/status\nNgừng nhận tin về phản ánh này: ${f.optOutUrl}\n\n—\n` +
    'Hệ thống tiếp nhận phản ánh dữ liệu tiêm chủng COVID-19. Thư gửi tự động, vui lòng không trả lời.',
  en: (f) =>
    `\n\nLook your report up: ${f.baseUrl}/status\nStop messages about this report: ${f.optOutUrl}\n\n—\n` +
    'COVID-19 vaccination record reports. This message was sent automatically; please do not reply.',
};

/** The e-mail of an event, in full (diacritics kept). The subject never carries the tracking code. */
export function composeEmail(f: MessageFacts): { subject: string; text: string } {
  return { subject: SUBJECT[f.lang], text: LEAD[f.lang][f.action](f, longDeadline(f.dueAt)) + FOOTER[f.lang](f) };
}

/** The lost-code SMS: the codes of the citizen's open reports (as many as fit one segment). */
export function composeCodesSms(lang: Lang, codes: readonly string[], baseUrl: string): string {
  const lead = lang === 'vi' ? 'Ma phan anh dang mo cua ban:' : 'Your open report codes:';
  const tail = lang === 'vi' ? ` Tra cuu: ${baseUrl}/status` : ` Status: ${baseUrl}/status`;
  let text = lead;
  for (const code of codes) {
    const next = `${text} ${code}${code === codes[codes.length - 1] ? '.' : ','}`;
    if (!fitsOneSegment(next)) break;
    text = next;
  }
  const full = plainText(text + tail);
  return fitsOneSegment(full) ? full : plainText(text);
}
