import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Lang } from '@phananh/core';
import { ReferenceService, Unit, UnitLevel } from '@phananh/reference';
import { REJECTION_REASONS } from '@phananh/tickets';
import { fitsOneSegment, gsm7Septets, plainText } from './gsm7';
import { MESSAGE_ACTIONS, MessageFacts, composeCodesSms, composeEmail, composeSms } from './templates';

/** Every unit of the reference data, named as messages name it (with the health unit's prefix). */
function allUnitNames(lang: Lang): string[] {
  const rows: { code: string; name: string; level: UnitLevel }[] = parse(
    readFileSync(join(__dirname, '../../reference/src/data/vn-admin-units-2021.csv')),
    { columns: true },
  );
  const reference = new ReferenceService(undefined as never);
  return rows.map((r) => reference.healthUnitName({ ...r } as unknown as Unit, lang));
}

const BASE = 'https://phananh.tiemchung.gov.vn';
const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  action: MESSAGE_ACTIONS[0],
  lang: 'vi',
  trackingCode: '7KQM-X4HT-9PR',
  unitName: 'Trạm Y tế Phường Phúc Xá',
  dueAt: new Date('2021-11-07T01:00:00Z'),
  rejectionReason: null,
  baseUrl: BASE,
  optOutUrl: `${BASE}/opt-out?code=7KQM-X4HT-9PR&token=abc`,
  ...over,
});

describe('message templates', () => {
  it('plainText drops Vietnamese diacritics, đ included, into GSM-7', () => {
    expect(plainText('Trạm Y tế Thị trấn Nông Trường Việt Lâm, Đắk Lắk')).toBe(
      'Tram Y te Thi tran Nong Truong Viet Lam, Dak Lak',
    );
    expect(gsm7Septets('Tram Y te')).toBe(9);
    expect(gsm7Septets('Trạm')).toBeNull();
    expect(gsm7Septets('a€')).toBe(3);
  });

  for (const lang of ['vi', 'en'] as const) {
    it(`every SMS (${lang}) is one plain GSM-7 segment with the code and the unit, for the longest unit name of the reference data`, () => {
      const names = allUnitNames(lang);
      const longest = names.reduce((a, b) => (plainText(b).length > plainText(a).length ? b : a));
      const longestReason = REJECTION_REASONS.map((r) => r.text[lang]).reduce((a, b) => (b.length > a.length ? b : a));
      expect(plainText(longest).length).toBeGreaterThanOrEqual(44);
      for (const action of MESSAGE_ACTIONS) {
        const sms = composeSms(facts({ action, lang, unitName: longest, rejectionReason: longestReason }));
        expect(fitsOneSegment(sms)).toBe(true);
        expect(sms).toContain('7KQM-X4HT-9PR');
        // The whole sentence, never one cut short: the status link is the only optional part.
        if (action === 'ASSIGNED' || action === 'TRANSFERRED') {
          expect(sms).toContain(plainText(longest));
          expect(sms).toMatch(/07\/11 08:00/);
        }
        if (action === 'REJECTED') expect(sms).toContain(plainText(longestReason));
        expect(sms.trim().endsWith('.') || sms.endsWith('/status')).toBe(true);
      }
      // And every unit fits too, not only the longest.
      for (const unitName of names) expect(fitsOneSegment(composeSms(facts({ lang, unitName })))).toBe(true);
    });
  }

  it('adds the status link when it fits', () => {
    expect(composeSms(facts())).toBe(
      `Phan anh 7KQM-X4HT-9PR da giao Tram Y te Phuong Phuc Xa, han xu ly 07/11 08:00. Tra cuu, ngung nhan tin: ${BASE}/status`,
    );
  });

  it('e-mail: full text with diacritics, the opt-out link, and never the tracking code in the subject', () => {
    for (const lang of ['vi', 'en'] as const) {
      for (const action of MESSAGE_ACTIONS) {
        const mail = composeEmail(facts({ action, lang, rejectionReason: 'Họ tên không khớp' }));
        expect(mail.subject).not.toContain('7KQM');
        expect(mail.subject.replace(/[-\s]/g, '')).not.toContain('7KQMX4HT9PR');
        expect(mail.text).toContain('7KQM-X4HT-9PR');
        expect(mail.text).toContain('/opt-out?code=');
      }
    }
    expect(composeEmail(facts({ action: 'REJECTED' as never, rejectionReason: 'Họ tên không khớp' })).text).toContain(
      'Việc cần làm',
    );
  });

  it('the lost-code SMS lists as many codes as fit one segment', () => {
    const codes = Array.from({ length: 12 }, (_, i) => `ABCD-EFGH-${String(i).padStart(3, '0')}`);
    const sms = composeCodesSms('vi', codes, BASE);
    expect(fitsOneSegment(sms)).toBe(true);
    expect(sms).toContain('ABCD-EFGH-000');
    expect(composeCodesSms('en', codes.slice(0, 2), BASE)).toBe(
      `Your open report codes: ABCD-EFGH-000, ABCD-EFGH-001. Status: ${BASE}/status`,
    );
  });
});
