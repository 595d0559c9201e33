import type { DataSource } from 'typeorm';
import { ReferenceService, Unit } from '@phananh/reference';
import { composeEmail, vnDateTime } from './alert-email.service';
import { AlertKind } from './alert-kind';
import { EventRow } from './alert-views';

const UNITS: Record<string, Unit> = {
  '00001': {
    code: '00001',
    name: 'Phường Phúc Xá',
    type: 'Phường',
    level: 'ward',
    parentCode: '001',
    provinceCode: '01',
    districtCode: '001',
    path: '01/001/00001/',
  },
  '01': {
    code: '01',
    name: 'Thành phố Hà Nội',
    type: 'Thành phố',
    level: 'province',
    parentCode: null,
    provinceCode: '01',
    districtCode: null,
    path: '01/',
  },
};
/** The real service over a two-unit list, so that units are named exactly as in production. */
const reference = new ReferenceService({
  query: async (sql: string) => (sql.includes('FROM units') ? Object.values(UNITS) : []),
} as unknown as DataSource);

const ticketRow = (kind: AlertKind): EventRow => ({
  event_id: 'e1',
  kind,
  unit_code: '00001',
  campaign_code: '2021-11',
  summary: null,
  occurred_at: new Date('2021-11-05T08:00:00+07:00'),
  deadline_at: new Date('2021-11-05T08:00:00+07:00'),
  tracking_code: '7KQM-X4HT-9PR',
  ticket_status: 'IN_PROGRESS',
});

describe('alert e-mail', () => {
  beforeAll(() => reference.onModuleInit());

  it('writes instants as a reader in Viet Nam expects them', () => {
    expect(vnDateTime(new Date('2021-11-12T17:00:00Z'))).toBe('13/11/2021 00:00');
  });

  it.each([
    [AlertKind.DueSoon, 'Sắp đến hạn xử lý phản ánh 7KQM-X4HT-9PR', 'sẽ đến hạn xử lý lúc 05/11/2021 08:00'],
    [AlertKind.Overdue, 'Quá hạn xử lý phản ánh 7KQM-X4HT-9PR', 'đã quá hạn xử lý từ 05/11/2021 08:00'],
    [
      AlertKind.Escalated,
      'Phản ánh 7KQM-X4HT-9PR quá hạn kéo dài, báo cáo lên cấp tỉnh',
      'quá hạn từ 05/11/2021 08:00',
    ],
  ])('names the ticket, its unit and its deadline for %s', (kind, subject, deadline) => {
    const mail = composeEmail(reference, ticketRow(kind));
    expect(mail.subject).toBe(`[Phản ánh tiêm chủng] ${subject}`);
    expect(mail.text).toContain('Phản ánh 7KQM-X4HT-9PR giao cho Trạm Y tế Phường Phúc Xá');
    expect(mail.text).toContain(deadline);
    expect(mail.text).toContain('Trạng thái hiện tại: đang xử lý.');
  });

  it('summarises a cutoff by unit, listing at most 100 codes per unit', () => {
    const codes = Array.from({ length: 130 }, (_, i) => `CODE-${i}`);
    const mail = composeEmail(reference, {
      ...ticketRow(AlertKind.CutoffMissed),
      unit_code: '01',
      tracking_code: null,
      ticket_status: null,
      deadline_at: new Date('2021-11-13T00:00:00+07:00'),
      summary: {
        total: 130,
        cutoffAt: '2021-11-13T00:00:00.000+07:00',
        units: [{ unit: { code: '00001', name: 'Trạm Y tế Phường Phúc Xá' }, count: 130, trackingCodes: codes }],
      },
    });
    expect(mail.subject).toBe(
      '[Phản ánh tiêm chủng] Hết hạn chót chiến dịch 2021-11: 130 phản ánh chưa xử lý — Sở Y tế Thành phố Hà Nội',
    );
    expect(mail.text).toContain('(13/11/2021 00:00, giờ Việt Nam)');
    expect(mail.text).toContain('CODE-99 và 30 phản ánh khác');
    expect(mail.text).not.toContain('CODE-100');
  });
});
