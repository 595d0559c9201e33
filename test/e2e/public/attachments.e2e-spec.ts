import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, createTestApp } from '@test/support';
import { fieldCodes, reportBody } from './report-bodies';

/** A real 1×1 PNG and a real one-page PDF, small enough to live here. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

describe('POST /api/v1/reports as multipart/form-data with proof attachments', () => {
  let t: TestApp;
  let dir: string;
  const multipart = () => t.http.post('/api/v1/reports');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-attachments-'));
    t = await createTestApp({ worker: false, env: { ATTACHMENTS_DIR: dir, RATE_LIMIT_FILINGS_PER_MINUTE: '10000' } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('files the report with a PNG and a PDF, stored with their hashes, in the same transaction', async () => {
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', PNG, { filename: 'giay-xac-nhan.png', contentType: 'image/png' })
      .attach('attachments', PDF, { filename: 'phieu.pdf', contentType: 'application/pdf' })
      .expect(201);
    const rows = await t.db.query(
      `SELECT a.content_type, a.size, a.sha256, a.storage_key FROM attachments a
       JOIN tickets t ON t.id = a.ticket_id WHERE t.tracking_code = $1 ORDER BY a.content_type`,
      [res.body.trackingCode],
    );
    expect(rows.map((r: { content_type: string; size: number }) => [r.content_type, r.size])).toEqual([
      ['application/pdf', PDF.length],
      ['image/png', PNG.length],
    ]);
    expect(rows[0].sha256.equals(sha256(PDF))).toBe(true);
    expect(rows[1].sha256.equals(sha256(PNG))).toBe(true);
    expect(readFileSync(join(dir, rows[1].storage_key)).equals(PNG)).toBe(true);
    // The single-report statement (a report with files is not batched) stores the masked numbers too.
    const [ticket] = await t.db.query(`SELECT citizen_id_masked, phone_masked FROM tickets WHERE tracking_code = $1`, [
      res.body.trackingCode,
    ]);
    expect(ticket.citizen_id_masked).toMatch(/^\d{3}\*{6}\d{3}$/);
    expect(ticket.phone_masked).toMatch(/^\+84\d{2}\*+\d{3}$/);
  });

  it('judges the type from the content: a JPEG sent as application/octet-stream is fine', async () => {
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', JPEG, { filename: 'anh', contentType: 'application/octet-stream' })
      .expect(201);
    const [row] = await t.db.query(
      `SELECT a.content_type FROM attachments a JOIN tickets t ON t.id = a.ticket_id WHERE t.tracking_code = $1`,
      [res.body.trackingCode],
    );
    expect(row.content_type).toBe('image/jpeg');
  });

  it('refuses a file that lies about its type, names it, and keeps nothing', async () => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
    const lie = Buffer.from('<html><script>alert(1)</script></html>');
    const res = await multipart()
      .set('Accept-Language', 'en')
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', PNG, { filename: 'ok.png', contentType: 'image/png' })
      .attach('attachments', lie, { filename: 'proof.png', contentType: 'image/png' })
      .expect(400);
    expect(res.body.errors).toEqual([
      { field: 'attachments.1', code: 'ATTACHMENT_TYPE', message: 'The file must be a JPEG or PNG image or a PDF' },
    ]);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM tickets`)).toEqual(before);
  });

  it('reports a bad file together with the bad fields of the report', async () => {
    const body = reportBody();
    body.dose!.doseNumber = 9;
    const res = await multipart()
      .field('report', JSON.stringify(body))
      .attach('attachments', Buffer.from('GIF89a...'), { filename: 'a.gif', contentType: 'image/gif' })
      .expect(400);
    expect(fieldCodes(res.body)).toEqual(['dose.doseNumber:max', 'attachments.0:ATTACHMENT_TYPE']);
  });

  it('takes at most 3 files', async () => {
    let req = multipart().field('report', JSON.stringify(reportBody()));
    for (let i = 0; i < 4; i++)
      req = req.attach('attachments', PNG, { filename: `${i}.png`, contentType: 'image/png' });
    const res = await req.expect(400);
    expect(fieldCodes(res.body)).toEqual(['attachments:ATTACHMENTS_TOO_MANY']);
  });

  it('takes files of at most 5 MB', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', big, { filename: 'big.png', contentType: 'image/png' });
    expect(res.status).toBe(413);
    expect(fieldCodes(res.body)).toEqual(['attachments:ATTACHMENT_TOO_LARGE']);
    const justUnder = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 - PNG.length)]);
    await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', justUnder, { filename: 'max.png', contentType: 'image/png' })
      .expect(201);
  });

  it('needs the report part, as valid JSON, and nothing else', async () => {
    const none = await multipart().attach('attachments', PNG, 'a.png').expect(400);
    expect(fieldCodes(none.body)).toEqual(['report:isDefined']);
    const malformed = await multipart().field('report', '{"citizen":').expect(400);
    expect(malformed.body.type).toBe('urn:phananh:problem:malformed-json');
    const extra = await multipart().field('report', JSON.stringify(reportBody())).field('note', 'x').expect(400);
    expect(fieldCodes(extra.body)).toEqual(['note:unknownField']);
    const otherFile = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('photo', PNG, 'a.png')
      .expect(400);
    expect(fieldCodes(otherFile.body)).toEqual(['photo:unknownField']);
    const invalid = await multipart()
      .field('report', JSON.stringify({ ...reportBody(), issueType: 'X' }))
      .expect(400);
    expect(fieldCodes(invalid.body)).toEqual(['issueType:isEnum']);
  });

  it('files a multipart report without attachments', async () => {
    await multipart().field('report', JSON.stringify(reportBody())).expect(201);
  });

  it('never serves attachments publicly', async () => {
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', PNG, { filename: 'a.png', contentType: 'image/png' })
      .expect(201);
    const [row] = await t.db.query(
      `SELECT a.id, a.storage_key FROM attachments a JOIN tickets t ON t.id = a.ticket_id WHERE t.tracking_code = $1`,
      [res.body.trackingCode],
    );
    for (const path of [
      `/api/v1/reports/${res.body.trackingCode}/attachments/${row.id}`,
      `/api/v1/tickets/${res.body.trackingCode}/attachments/${row.id}`,
      `/attachments/${row.storage_key}`,
      `/var/attachments/${row.storage_key}`,
    ]) {
      const got = await t.http.get(path);
      expect([401, 404]).toContain(got.status);
      expect(got.body).not.toEqual(expect.objectContaining({ length: PNG.length }));
    }
  });
});
