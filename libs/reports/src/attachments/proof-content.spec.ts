import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { imageProblem, proofContent, reencodeImage } from './proof-content';

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const failure = (stream: Readable) =>
  read(stream).then(
    () => null,
    (err: unknown) => err,
  );

/** A 40×20 picture, left half red, right half blue: which way up it is shows in its pixels. */
const picture = () =>
  sharp({ create: { width: 40, height: 20, channels: 3, background: '#c81e1e' } }).composite([
    {
      input: { create: { width: 20, height: 20, channels: 3, background: '#1e1ec8' } },
      left: 20,
      top: 0,
    },
  ]);
const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '21/1 1/1 42/1', GPSMapDatum: 'PHANANH-GPS-DATUM' };

/** A PNG whose header claims `width`×`height` pixels, with hardly any pixel data behind it. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(100))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('proof content: images re-encoded without metadata', () => {
  it('turns a JPEG upright by its EXIF orientation and keeps no EXIF, GPS, XMP or ICC profile', async () => {
    const jpeg = await picture()
      .jpeg()
      .withExif({ IFD0: { Make: 'PhananhCam' }, IFD3: GPS })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const before = await sharp(jpeg).metadata();
    expect([before.width, before.height, before.orientation, Boolean(before.exif)]).toEqual([40, 20, 6, true]);
    expect(jpeg.includes('PHANANH-GPS-DATUM')).toBe(true);

    const out = await read(reencodeImage(jpeg, 'image/jpeg'));
    const after = await sharp(out).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 20, height: 40 });
    expect([after.exif, after.xmp, after.icc, after.iptc, after.orientation]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(out.includes('PHANANH-GPS-DATUM')).toBe(false);
    expect(out.includes('PhananhCam')).toBe(false);
    expect(out.includes('Exif\0\0')).toBe(false);
    // Orientation 6 means "rotate 90° clockwise to view": the red left half is now on top.
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    expect(pixel(10, 5)[0]).toBeGreaterThan(150);
    expect(pixel(10, 35)[2]).toBeGreaterThan(150);
  });

  it('re-encodes a PNG losslessly, without its EXIF or XMP', async () => {
    const png = await picture()
      .png()
      .withExif({ IFD0: { Make: 'PhananhCam' }, IFD3: GPS })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><gps>PHANANH-XMP</gps></x:xmpmeta>')
      .toBuffer();
    expect(png.includes('PhananhCam')).toBe(true);
    const out = await read(reencodeImage(png, 'image/png'));
    const after = await sharp(out).metadata();
    expect(after).toMatchObject({ format: 'png', width: 40, height: 20 });
    expect([after.exif, after.xmp]).toEqual([undefined, undefined]);
    expect(out.includes('PhananhCam') || out.includes('PHANANH-XMP') || out.includes('PHANANH-GPS-DATUM')).toBe(false);
    const pixels = async (b: Buffer) => (await sharp(b).raw().toBuffer()).toString('hex');
    expect(await pixels(out)).toBe(await pixels(png));
  });

  it('recognises what the decoder refuses: not an image, a truncated one, too many pixels', async () => {
    const png = await picture().png().toBuffer();
    const jpeg = await picture().jpeg().toBuffer();
    const garbage = Buffer.concat([png.subarray(0, 8), Buffer.from('not really an image')]);
    expect(imageProblem(await failure(reencodeImage(garbage, 'image/png')))).toBe('ATTACHMENT_TYPE');
    expect(imageProblem(await failure(reencodeImage(jpeg.subarray(0, jpeg.length - 40), 'image/jpeg')))).toBe(
      'ATTACHMENT_TYPE',
    );
    expect(imageProblem(await failure(reencodeImage(pngClaiming(10_000, 6_000), 'image/png')))).toBe(
      'ATTACHMENT_IMAGE_TOO_LARGE',
    );
    expect(imageProblem(new Error('ENOSPC: no space left on device'))).toBeNull();
    expect(imageProblem('nothing')).toBeNull();
  });

  it('reads the file intake spooled, and passes a PDF on as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phananh-proof-'));
    try {
      const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
      writeFileSync(join(dir, 'a.pdf'), pdf);
      expect((await read(proofContent(join(dir, 'a.pdf'), 'application/pdf'))).equals(pdf)).toBe(true);
      writeFileSync(join(dir, 'b.png'), await picture().png().toBuffer());
      const out = await read(proofContent(join(dir, 'b.png'), 'image/png'));
      expect((await sharp(out).metadata()).format).toBe('png');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
