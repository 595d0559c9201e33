import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSealedFile } from '@phananh/core';
import { AttachmentStore, EncryptStoredSummary, encryptStoredAttachments } from '@phananh/reports';
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
  newTicket,
} from '@test/support';

const ROOT = join(__dirname, '../..');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/** What intake accepted before it decoded images: a JPEG signature and nothing a decoder could draw. */
const FAKE_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

interface Legacy {
  name: string;
  content: Buffer;
  contentType: string;
  trackingCode: string;
  id: string;
  key: string;
}

/**
 * `npm run attachments:encrypt` on files stored the old way (plaintext, metadata and all): a
 * run that fails on one file and is stopped in the middle of another, resumed in process,
 * then run again as the real command, which finds nothing to do.
 */
describe('npm run attachments:encrypt', () => {
  let t: TestApp;
  let dir: string;
  let officer: Official;
  const files: Legacy[] = [];
  const lines: string[] = [];
  const everyLine: string[] = [];
  const query = async (sql: string, params?: unknown[]) => (await t.db.query(sql, params)) as Record<string, unknown>[];
  const run = (store: AttachmentStore = t.app.get(AttachmentStore)) =>
    encryptStoredAttachments({ query, store, log: (l) => lines.push(l) && everyLine.push(l), batchSize: 2 });
  const onDisk = (f: Legacy) => readFileSync(join(dir, f.key));
  /** The file and whatever lies beside it under its name (a file being sealed would). */
  const besides = (f: Legacy) =>
    readdirSync(join(dir, f.key.slice(0, 2)))
      .filter((n) => n.startsWith(f.key.slice(3)))
      .sort();
  const row = async (f: Legacy) =>
    (await t.db.query(`SELECT size, sha256 FROM attachments WHERE id = $1`, [f.id]))[0] as {
      size: number;
      sha256: Buffer;
    };
  const download = (f: Legacy) =>
    t.http
      .get(`/api/v1/tickets/${f.trackingCode}/attachments/${f.id}`)
      .set('Authorization', officer.bearer)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  /** A file as the store wrote it before files were sealed, with its row. */
  async function storeTheOldWay(
    name: string,
    content: Buffer,
    contentType: string,
    id: string = randomUUID(),
  ): Promise<Legacy> {
    const ticket = await newTicket(t, { unitCode: '00001' });
    const uuid = randomUUID();
    const key = `${uuid.slice(0, 2)}/${uuid}`;
    mkdirSync(join(dir, key.slice(0, 2)), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, key), content, { flag: 'wx', mode: 0o600 });
    await t.db.query(
      `INSERT INTO attachments (id, ticket_id, content_type, size, sha256, storage_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, ticket.id, contentType, content.length, sha256(content), key, t.clock.now()],
    );
    return { name, content, contentType, trackingCode: ticket.trackingCode, id, key };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-encrypt-'));
    t = await createTestApp({ worker: false, env: { ATTACHMENTS_DIR: dir } });
    officer = await newOfficial(t, { unitCode: '00001' });
    // In the order the command walks them (by id): a fault is injected on the 2nd, the run stopped on the 4th.
    const nth = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    const upright = await exifPhoto('jpeg', { width: 64, height: 48, orientation: 6 });
    files.push(
      await storeTheOldWay('upright jpeg', upright, 'image/jpeg', nth(1)),
      await storeTheOldWay('png', await exifPhoto('png', { width: 30, height: 20 }), 'image/png', nth(2)),
      await storeTheOldWay('pdf', PDF, 'application/pdf', nth(3)),
      await storeTheOldWay('jpeg', await exifPhoto('jpeg', { width: 40, height: 40 }), 'image/jpeg', nth(4)),
      await storeTheOldWay('fake jpeg', FAKE_JPEG, 'image/jpeg', nth(5)),
    );
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the files stored the old way as they are until they are sealed', async () => {
    for (const f of files) {
      const res = await download(f).expect(200);
      expect([f.name, (res.body as Buffer).equals(f.content)]).toEqual([f.name, true]);
    }
  });

  it('goes on past a file that fails, and leaves a file it was stopped in the middle of as it was', async () => {
    // The store, with a fault on the 2nd file it seals, and the run stopped (never to return) on the 4th, right
    // between the row's update and the rename: the worst moment to be killed.
    const real = t.app.get(AttachmentStore);
    const seen: string[] = [];
    let stoppedAt: string | undefined;
    const faulty = Object.create(real) as AttachmentStore;
    faulty.stage = async (key, content) => {
      if (!seen.includes(key)) seen.push(key);
      const nth = seen.indexOf(key) + 1;
      if (nth === 2) throw new Error('No space left on device (injected)');
      const staged = await real.stage(key, content);
      if (nth !== 4) return staged;
      return {
        ...staged,
        commit: () => {
          stoppedAt = key;
          return new Promise<void>(() => undefined);
        },
      };
    };
    void run(faulty);
    await eventually(async () => stoppedAt);

    expect(seen).toEqual(files.slice(0, 4).map((f) => f.key));
    const [sealed1, failed, sealed3, stopped, untouched] = files;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^attachment ${failed.id}: FAILED.*injected`)));
    for (const f of [sealed1, sealed3]) expect([f.name, isSealedFile(onDisk(f))]).toEqual([f.name, true]);
    for (const f of [failed, stopped, untouched]) expect([f.name, onDisk(f).equals(f.content)]).toEqual([f.name, true]);
    // The stopped file's row already names its new content, re-encoded: the old file no longer matches it.
    expect((await row(stopped)).sha256.equals(sha256(stopped.content))).toBe(false);
    expect(besides(stopped)).toEqual([stopped.key.slice(3), `${stopped.key.slice(3)}.sealing`]);
  });

  it('resumes: seals what is left, the stopped file too, and skips what is sealed', async () => {
    lines.length = 0;
    const summary = await run();
    expect(summary).toEqual<EncryptStoredSummary>({
      total: 5,
      done: 3,
      sealedAsTheyWere: expect.any(Number),
      skipped: 2,
      failed: 0,
    });
    for (const f of files) {
      const stored = onDisk(f);
      expect([f.name, isSealedFile(stored)]).toEqual([f.name, true]);
      for (const mark of [EXIF_CAMERA, EXIF_GPS_DATUM, 'Exif\0\0', '%PDF', 'IHDR', 'JFIF']) {
        expect([f.name, mark, stored.includes(mark)]).toEqual([f.name, mark, false]);
      }
      expect(besides(f)).toEqual([f.key.slice(3)]);
    }
    expect(lines).toContainEqual(expect.stringMatching(/^Done: 3 sealed \(\d of them as they were\), 2 skipped/));
  });

  it('serves each sealed file: images upright without metadata, what could not be decoded and PDFs as they were', async () => {
    const dimensions: Record<string, number[]> = { 'upright jpeg': [48, 64], png: [30, 20], jpeg: [40, 40] };
    for (const f of files) {
      const res = await download(f).expect(200);
      const served = res.body as Buffer;
      const { size, sha256: hash } = await row(f);
      expect([f.name, size, hash.equals(sha256(served))]).toEqual([f.name, served.length, true]);
      if (dimensions[f.name]) {
        const meta = await imageMetadata(served);
        expect([f.name, meta.width, meta.height, meta.exif, meta.orientation]).toEqual([
          f.name,
          ...dimensions[f.name],
          undefined,
          undefined,
        ]);
        expect(served.includes(EXIF_GPS_DATUM)).toBe(false);
      } else {
        expect([f.name, served.equals(f.content)]).toEqual([f.name, true]);
      }
    }
    const fake = files.find((f) => f.name === 'fake jpeg')!;
    expect(everyLine.filter((l) => l.includes('sealed as it was'))).toEqual([
      `attachment ${fake.id}: not a decodable image, sealed as it was (its metadata, if any, is kept)`,
    ]);
  });

  it('changes nothing when run again as the real command, and says so', async () => {
    const main = join(ROOT, 'dist/scripts/attachments-encrypt.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    const before = files.map(onDisk);
    const rows = await Promise.all(files.map(row));
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: t.env.databaseUrl,
        ATTACHMENTS_DIR: dir,
        PII_KEY: t.config.PII_KEY!,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect([code, output]).toEqual([
      0,
      expect.stringContaining('Nothing to do: all 5 stored files are already sealed.'),
    ]);
    expect(output).toContain('Done: 0 sealed (0 of them as they were), 5 skipped (already sealed), 0 failed.');
    expect(files.map(onDisk)).toEqual(before);
    expect(await Promise.all(files.map(row))).toEqual(rows);
  });

  it('leaves a missing file, or one that is not what its row records, as it is, says which, and fails', async () => {
    const changed = await storeTheOldWay('changed', await exifPhoto('png'), 'image/png');
    writeFileSync(join(dir, changed.key), await exifPhoto('png', { width: 65 }));
    const missing = await storeTheOldWay('missing', PDF, 'application/pdf');
    rmSync(join(dir, missing.key));
    lines.length = 0;
    const summary = await run();
    expect(summary).toMatchObject({ total: 7, done: 0, skipped: 5, failed: 2 });
    expect(lines).toContainEqual(`attachment ${missing.id}: FAILED, left as it was: the file is missing`);
    expect(lines).toContainEqual(
      `attachment ${changed.id}: FAILED, left as it was: the file is not the one its row records (its SHA-256 differs)`,
    );
    expect(isSealedFile(readFileSync(join(dir, changed.key)))).toBe(false);
    expect(besides(changed)).toEqual([changed.key.slice(3)]);
  });
});
