import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { TestApp, createTestApp } from '@test/support';
import { CONSENT, fieldCodes, newCitizen, reportBody } from './report-bodies';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The privacy notice of the report form, and the consent every filing must carry (docs/api.md, "Consent"). */
describe('consent: the privacy notice and the version a filing accepted', () => {
  let t: TestApp;
  let files: string;
  const file = (body: unknown, lang?: string) => {
    const req = t.http.post('/api/v1/reports');
    if (lang) req.set('Accept-Language', lang);
    return req.send(body as object);
  };
  const stored = async (trackingCode: string) =>
    (await t.db.query(`SELECT notice_version FROM tickets WHERE tracking_code = $1`, [trackingCode]))[0]
      ?.notice_version;
  const storedFiles = () => readdirSync(files, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'phananh-consent-'));
    t = await createTestApp({ worker: false, env: { RETENTION_DAYS: '90', ATTACHMENTS_DIR: files } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('serves the notice publicly, in Vietnamese and English, with its version and the configured retention', async () => {
    const res = await t.http.get('/api/v1/reference/privacy-notice').expect(200);
    expect(res.body).toMatchObject({ version: PRIVACY_NOTICE_VERSION, retentionDays: 90 });
    for (const lang of ['vi', 'en'] as const) {
      const text = res.body[lang];
      expect(text.title).toEqual(expect.any(String));
      expect(text.accept).toEqual(expect.any(String));
      expect(text.items).toHaveLength(4);
      // Purpose, who sees it, when it ends (the configured days), and the rights under Decree 13.
      expect(text.items.join('\n')).toContain('90');
      expect(text.items.join('\n')).toMatch(/13\/2023\/N[ĐD]-CP/);
    }
    expect(res.body.vi.items[0]).toMatch(/tiêm chủng/);
    expect(res.body.en.items[0]).toMatch(/vaccination record/);
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.paths['/api/v1/reference/privacy-notice'].get.summary).toBeTruthy();
    expect(doc.components.schemas.FileReportDto.required).toContain('consent');
  });

  it('stores the version the citizen accepted on the ticket', async () => {
    const res = await file(reportBody()).expect(201);
    expect(await stored(res.body.trackingCode)).toBe(PRIVACY_NOTICE_VERSION);
    // The receipt is unchanged: the consent is the citizen's act, not something to show back.
    expect(Object.keys(res.body).sort()).toEqual([
      'assignedUnit',
      'campaign',
      'dueAt',
      'receivedAt',
      'status',
      'trackingCode',
    ]);
  });

  it('refuses a filing without the consent, naming the field, and stores nothing', async () => {
    const { consent: _consent, ...body } = reportBody();
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM tickets`))[0].n;
    const res = await file(body).expect(400);
    expect(res.body.type).toBe('urn:phananh:problem:validation-failed');
    expect(fieldCodes(res.body)).toEqual(['consent:isDefined']);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM tickets`))[0].n).toBe(before);
    // An unticked box sent as false, or an empty object, is no consent either.
    expect(fieldCodes((await file({ ...body, consent: false }).expect(400)).body)).toEqual([
      expect.stringMatching(/^consent:/),
    ]);
    expect(fieldCodes((await file({ ...body, consent: {} }).expect(400)).body)).toEqual([
      'consent.noticeVersion:isDefined',
    ]);
  });

  it('refuses a version that is not the current notice, with its own message in both languages', async () => {
    for (const noticeVersion of ['2021-11-01', 'none', 'x'.repeat(33)]) {
      const res = await file({ ...reportBody(), consent: { noticeVersion } }).expect(400);
      expect(fieldCodes(res.body)).toEqual([
        noticeVersion.length > 32
          ? 'consent.noticeVersion:maxLength'
          : 'consent.noticeVersion:NOTICE_VERSION_NOT_CURRENT',
      ]);
    }
    const vi = await file({ ...reportBody(), consent: { noticeVersion: '2021-11-01' } }).expect(400);
    expect(vi.body.errors[0].message).toMatch(/^Thông báo về xử lý dữ liệu cá nhân đã thay đổi/);
    const en = await file({ ...reportBody(), consent: { noticeVersion: '2021-11-01' } }, 'en').expect(400);
    expect(en.body.errors[0].message).toMatch(/^The personal data notice has changed/);
  });

  it('refuses a multipart filing without the consent and keeps none of its photos', async () => {
    const { consent: _consent, ...body } = reportBody();
    const before = storedFiles().length;
    const res = await t.http
      .post('/api/v1/reports')
      .field('report', JSON.stringify(body))
      .attach('attachments', PNG, { filename: 'giay.png', contentType: 'image/png' })
      .expect(400);
    expect(fieldCodes(res.body)).toEqual(['consent:isDefined']);
    expect(storedFiles()).toHaveLength(before);
    const ok = await t.http
      .post('/api/v1/reports')
      .field('report', JSON.stringify({ ...body, consent: CONSENT }))
      .attach('attachments', PNG, { filename: 'giay.png', contentType: 'image/png' })
      .expect(201);
    expect(await stored(ok.body.trackingCode)).toBe(PRIVACY_NOTICE_VERSION);
  });

  it('answers a repeat of an open report only when it carries the consent', async () => {
    const citizen = newCitizen();
    const first = await file(reportBody(citizen)).expect(201);
    const again = await file(reportBody(citizen)).expect(200);
    expect(again.body.trackingCode).toBe(first.body.trackingCode);
    // Without consent a repeat is refused before anything else: nothing of the earlier report shows.
    const { consent: _consent, ...bare } = reportBody(citizen);
    const refused = await file(bare).expect(400);
    expect(JSON.stringify(refused.body)).not.toContain(first.body.trackingCode);
  });
});
