import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Response } from 'supertest';
import {
  EXIF_CAMERA,
  EXIF_GPS_DATUM,
  Official,
  TestApp,
  createTestApp,
  eventually,
  exifPhoto,
  imageMetadata,
  newOfficial,
} from '@test/support';
import { UploadSpool } from '../../../apps/api/src/reports/upload-spool';
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
/** A JPEG signature and end marker, with nothing a decoder could draw between them. */
const FAKE_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const SIGNATURES = [Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('%PDF-')];

/** Every file under a directory, recursively, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** A response body as raw bytes, whatever its type. */
const binary = (req: ReturnType<TestApp['http']['get']>) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('POST /api/v1/reports as multipart/form-data with proof attachments', () => {
  let t: TestApp;
  let dir: string;
  let officer: Official;
  const multipart = () => t.http.post('/api/v1/reports');
  const attachmentsOf = async (trackingCode: string) =>
    (await t.db.query(
      `SELECT a.id, a.content_type, a.size, a.sha256, a.storage_key FROM attachments a
       JOIN tickets t ON t.id = a.ticket_id WHERE t.tracking_code = $1 ORDER BY a.content_type`,
      [trackingCode],
    )) as { id: string; content_type: string; size: number; sha256: Buffer; storage_key: string }[];
  const download = (trackingCode: string, id: string) =>
    binary(t.http.get(`/api/v1/tickets/${trackingCode}/attachments/${id}`).set('Authorization', officer.bearer));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-attachments-'));
    t = await createTestApp({ worker: false, env: { ATTACHMENTS_DIR: dir, RATE_LIMIT_FILINGS_PER_MINUTE: '10000' } });
    officer = await newOfficial(t, { unitCode: '00001' });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('files the report with a PNG and a PDF in the same transaction, each stored sealed with its hash', async () => {
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', PNG, { filename: 'giay-xac-nhan.png', contentType: 'image/png' })
      .attach('attachments', PDF, { filename: 'phieu.pdf', contentType: 'application/pdf' })
      .expect(201);
    const [pdf, png] = await attachmentsOf(res.body.trackingCode);
    expect([pdf.content_type, pdf.size, png.content_type]).toEqual(['application/pdf', PDF.length, 'image/png']);
    // The PDF is stored as it came; the PNG re-encoded: size and hash are those of what is served.
    expect(pdf.sha256.equals(sha256(PDF))).toBe(true);
    const served = (await download(res.body.trackingCode, png.id).expect(200)).body as Buffer;
    expect([png.size, png.sha256.equals(sha256(served))]).toEqual([served.length, true]);
    for (const row of [pdf, png]) {
      const onDisk = readFileSync(join(dir, row.storage_key));
      expect(SIGNATURES.some((s) => onDisk.includes(s))).toBe(false);
    }
    expect(((await download(res.body.trackingCode, pdf.id).expect(200)).body as Buffer).equals(PDF)).toBe(true);
    // The single-report statement (a report with files is not batched) stores the masked numbers too.
    const [ticket] = await t.db.query(`SELECT citizen_id_masked, phone_masked FROM tickets WHERE tracking_code = $1`, [
      res.body.trackingCode,
    ]);
    expect(ticket.citizen_id_masked).toMatch(/^\d{3}\*{6}\d{3}$/);
    expect(ticket.phone_masked).toMatch(/^\+84\d{2}\*+\d{3}$/);
  });

  it('stores photos unreadable on disk and serves them upright, same pictures, without EXIF or GPS', async () => {
    const jpeg = await exifPhoto('jpeg', { width: 64, height: 48, orientation: 6 });
    const png = await exifPhoto('png', { width: 30, height: 20 });
    for (const photo of [jpeg, png]) {
      expect([photo.includes(EXIF_CAMERA), photo.includes(EXIF_GPS_DATUM)]).toEqual([true, true]);
      expect((await imageMetadata(photo)).exif).toBeDefined();
    }
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', jpeg, { filename: 'anh.jpg', contentType: 'image/jpeg' })
      .attach('attachments', png, { filename: 'anh.png', contentType: 'image/png' })
      .expect(201);
    const rows = await attachmentsOf(res.body.trackingCode);
    expect(rows.map((r) => r.content_type)).toEqual(['image/jpeg', 'image/png']);
    const expected = { 'image/jpeg': [48, 64], 'image/png': [30, 20] } as Record<string, number[]>;
    for (const row of rows) {
      const onDisk = readFileSync(join(dir, row.storage_key));
      expect(SIGNATURES.some((s) => onDisk.subarray(0, 16).includes(s))).toBe(false);
      await expect(sharp(onDisk).metadata()).rejects.toThrow();
      for (const mark of [EXIF_CAMERA, EXIF_GPS_DATUM, 'Exif\0\0']) expect(onDisk.includes(mark)).toBe(false);

      const got = await download(res.body.trackingCode, row.id).expect(200);
      const served = got.body as Buffer;
      expect(got.headers['content-type']).toBe(row.content_type);
      expect(Number(got.headers['content-length'])).toBe(served.length);
      const meta = await imageMetadata(served);
      expect([meta.format, meta.width, meta.height]).toEqual([
        row.content_type.slice(6),
        ...expected[row.content_type],
      ]);
      expect([meta.exif, meta.xmp, meta.iptc, meta.orientation]).toEqual([undefined, undefined, undefined, undefined]);
      for (const mark of [EXIF_CAMERA, EXIF_GPS_DATUM, 'Exif\0\0']) expect(served.includes(mark)).toBe(false);
    }
    // Upright: orientation 6 says "turn the stored pixels 90° clockwise to view them", so the red stamp drawn at
    // the top left of the stored pixels is at the top right of the picture served (and nowhere else), and the
    // PNG's pixels are the ones sent (lossless).
    const [jpegRow, pngRow] = rows;
    const servedJpeg = (await download(res.body.trackingCode, jpegRow.id)).body as Buffer;
    const { data, info } = await sharp(servedJpeg).raw().toBuffer({ resolveWithObject: true });
    const redness = (x: number, y: number) => data[(y * info.width + x) * 3] - data[(y * info.width + x) * 3 + 2];
    expect(redness(info.width - 3, 2)).toBeGreaterThan(100);
    for (const [x, y] of [
      [2, 2],
      [2, info.height - 3],
      [info.width - 3, info.height - 3],
    ])
      expect(redness(x, y)).toBeLessThan(40);
    const servedPng = (await download(res.body.trackingCode, pngRow.id)).body as Buffer;
    expect((await sharp(servedPng).raw().toBuffer()).equals(await sharp(png).raw().toBuffer())).toBe(true);
  });

  it('never serves a stored file that was tampered with: 500 problem with an errorId, none of its bytes', async () => {
    const photo = await exifPhoto('png');
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await multipart()
        .field('report', JSON.stringify(reportBody()))
        .attach('attachments', photo, { filename: 'a.png', contentType: 'image/png' })
        .expect(201);
      codes.push(res.body.trackingCode);
    }
    const [[flipped], [moved], [unmagic]] = await Promise.all(codes.map(attachmentsOf));
    const path = (row: { storage_key: string }) => join(dir, row.storage_key);
    const bytes = readFileSync(path(flipped));
    bytes[bytes.length - 30] ^= 0x01;
    writeFileSync(path(flipped), bytes);
    writeFileSync(path(moved), readFileSync(path(unmagic))); // another ticket's file, under this one's key
    const header = readFileSync(path(unmagic));
    header[0] = 0xff; // no longer looks sealed: it would be served as a file stored before sealing
    writeFileSync(path(unmagic), header);

    for (const [code, row] of [
      [codes[0], flipped],
      [codes[1], moved],
      [codes[2], unmagic],
    ] as const) {
      const res: Response = await download(code, row.id);
      expect([code, res.status, res.headers['content-type']]).toEqual([
        code,
        500,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      const body = JSON.parse((res.body as Buffer).toString('utf8'));
      expect(body).toEqual({
        type: 'urn:phananh:problem:internal',
        title: expect.any(String),
        status: 500,
        detail: expect.any(String),
        errorId: expect.any(String),
      });
      // Logged under the same errorId.
      await eventually(async () => t.logs.lines.some((l) => l.includes(body.errorId) && l.includes('integrity check')));
    }
  });

  it('judges the type from the content: a JPEG sent as application/octet-stream is fine', async () => {
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', await exifPhoto('jpeg'), { filename: 'anh', contentType: 'application/octet-stream' })
      .expect(201);
    const [row] = await attachmentsOf(res.body.trackingCode);
    expect(row.content_type).toBe('image/jpeg');
  });

  it('refuses a file that lies about its type, names it, and keeps nothing', async () => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
    const stored = filesUnder(dir);
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
    expect(filesUnder(dir)).toEqual(stored);
  });

  it('refuses an image the decoder cannot read, though its first bytes are right, and keeps nothing', async () => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
    const stored = filesUnder(dir);
    const photo = await exifPhoto('jpeg');
    for (const broken of [
      FAKE_JPEG,
      Buffer.concat([PNG.subarray(0, 16), Buffer.from('not really the rest of a PNG')]),
      photo.subarray(0, photo.length - 60), // truncated
    ]) {
      const res = await multipart()
        .field('report', JSON.stringify(reportBody()))
        .attach('attachments', PDF, { filename: 'ok.pdf', contentType: 'application/pdf' })
        .attach('attachments', broken, { filename: 'proof.jpg', contentType: 'image/jpeg' })
        .expect(400);
      expect(fieldCodes(res.body)).toEqual(['attachments.1:ATTACHMENT_TYPE']);
    }
    expect(await t.db.query(`SELECT count(*)::int AS n FROM tickets`)).toEqual(before);
    expect(filesUnder(dir)).toEqual(stored);
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

  it('takes files of at most 5 MB, and leaves nothing of a bigger one behind', async () => {
    const stored = filesUnder(dir);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', PNG, { filename: 'small.png', contentType: 'image/png' })
      .attach('attachments', big, { filename: 'big.png', contentType: 'image/png' });
    expect(res.status).toBe(413);
    expect(fieldCodes(res.body)).toEqual(['attachments:ATTACHMENT_TOO_LARGE']);
    expect(filesUnder(dir)).toEqual(stored);
    const justUnder = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 - PNG.length)]);
    await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', justUnder, { filename: 'max.png', contentType: 'image/png' })
      .expect(201);
  });

  it('hashes the files as sent for idempotency: the same files replay, other files are refused', async () => {
    const body = JSON.stringify(reportBody());
    const photo = await exifPhoto('png');
    const key = `files-${randomUUID()}`;
    const send = (file: Buffer) =>
      multipart()
        .set('Idempotency-Key', key)
        .field('report', body)
        .attach('attachments', file, { filename: 'a.png', contentType: 'image/png' });
    const first = await send(photo).expect(201);
    const again = await send(Buffer.from(photo)).expect(201);
    expect(again.body).toEqual(first.body);
    const other = await send(await exifPhoto('png', { width: 65 })).expect(422);
    expect(other.body.type).toBe('urn:phananh:problem:idempotency-key-reused');
    expect(await attachmentsOf(first.body.trackingCode)).toHaveLength(1);
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

  it('keeps no upload in its temporary area once a request is answered', async () => {
    expect(filesUnder(join(dir, 'tmp'))).toEqual([]);
  });

  it('never serves attachments publicly', async () => {
    const res = await multipart()
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', PNG, { filename: 'a.png', contentType: 'image/png' })
      .expect(201);
    const [row] = await attachmentsOf(res.body.trackingCode);
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

describe('the per-process cap on upload bytes received at once', () => {
  let t: TestApp;
  let dir: string;
  let port: number;
  let spool: UploadSpool;
  const CAP = 1024 * 1024;
  const BOUNDARY = 'phananh-boundary-7MA4YWxkTrZu0gW';

  /** A multipart filing with one PNG padded to `bytes`, as raw bytes. */
  const rawFiling = (bytes: number) =>
    Buffer.concat([
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="report"\r\n\r\n${JSON.stringify(reportBody())}\r\n` +
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename="a.png"\r\n` +
          `Content-Type: image/png\r\n\r\n`,
      ),
      PNG,
      Buffer.alloc(bytes - PNG.length),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);

  /**
   * Starts a filing of `body`, sends its first kilobyte, and holds the rest until `finish` (or
   * `abort`); `chunked` sends it without a Content-Length.
   */
  const slowFiling = (body: Buffer, chunked = false) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/v1/reports',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        ...(chunked ? {} : { 'Content-Length': body.length }),
      },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
    });
    answer.catch(() => undefined);
    req.write(body.subarray(0, 1024));
    return { answer, finish: () => req.end(body.subarray(1024)), abort: () => req.destroy() };
  };
  /** A filing of some 10 kB: more than the held filings below leave of the budget. */
  const smallFiling = () =>
    t.http
      .post('/api/v1/reports')
      .field('report', JSON.stringify(reportBody()))
      .attach('attachments', Buffer.concat([PNG, Buffer.alloc(10_000)]), {
        filename: 'a.png',
        contentType: 'image/png',
      });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-uploads-'));
    t = await createTestApp({
      worker: false,
      env: { ATTACHMENTS_DIR: dir, RATE_LIMIT_FILINGS_PER_MINUTE: '10000', UPLOAD_MAX_CONCURRENT_BYTES: String(CAP) },
    });
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    spool = t.app.get(UploadSpool);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while other uploads hold the budget, and lets uploads in again after', async () => {
    const body = rawFiling(CAP - 5_000);
    expect(body.length).toBeLessThan(CAP);
    const held = slowFiling(body);
    await eventually(async () => spool.budget.bytesInUse === body.length);

    const busy = await smallFiling().set('Accept-Language', 'en').expect(503);
    expect(busy.headers['retry-after']).toBe('5');
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy.body).toMatchObject({ type: 'urn:phananh:problem:uploads-busy', status: 503 });
    // A request that does not say how long it is counts as the largest filing.
    const chunked = slowFiling(rawFiling(1_000), true);
    const chunkedAnswer = await chunked.answer;
    chunked.abort();
    expect([chunkedAnswer.status, JSON.parse(chunkedAnswer.body).type]).toEqual([
      503,
      'urn:phananh:problem:uploads-busy',
    ]);
    // Filings without files do not count.
    await t.http.post('/api/v1/reports').send(reportBody()).expect(201);

    held.finish();
    expect((await held.answer).status).toBe(201);
    await eventually(async () => spool.budget.bytesInUse === 0);
    await smallFiling().expect(201);
  });

  it('gives the budget back and keeps no file when a client goes away in the middle of its upload', async () => {
    const stored = filesUnder(dir);
    const held = slowFiling(rawFiling(CAP - 5_000));
    await eventually(async () => spool.budget.bytesInUse > 0 && filesUnder(join(dir, 'tmp')).length === 1);
    held.abort();
    await eventually(async () => spool.budget.bytesInUse === 0);
    await eventually(async () => filesUnder(dir).join() === stored.join());
    await smallFiling().expect(201);
  });

  it('lets one filing in alone even when it declares more than the whole budget', async () => {
    const body = rawFiling(CAP + 10 * 1024);
    const held = slowFiling(body);
    held.finish();
    expect((await held.answer).status).toBe(201);
  });
});
