import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FileCrypto,
  SEALED_CHUNK_BYTES,
  SEALED_HEADER_BYTES,
  SealedFileError,
  isSealedFile,
  sealedPlaintextSize,
} from './file-crypto';

const KEY_A = 'a'.repeat(64);
const KEY_B = Buffer.alloc(32, 7).toString('base64');
const CONTEXT = '3f/3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const CHUNK = SEALED_CHUNK_BYTES;

/** Streams `input` through a transform in small, uneven pieces, as a socket or a file would. */
async function through(transform: NodeJS.ReadWriteStream, input: Buffer, piece = 7_919): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += piece) pieces.push(input.subarray(i, i + piece));
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), transform, async (source: AsyncIterable<string | Buffer>) => {
    for await (const c of source) out.push(Buffer.from(c));
  });
  return Buffer.concat(out);
}

describe('FileCrypto', () => {
  const crypto = new FileCrypto(KEY_A);

  it('round-trips files of every size around the chunk boundaries, whole or streamed in pieces', async () => {
    for (const size of [0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 12_345]) {
      const plain = randomBytes(size);
      const sealed = await crypto.seal(plain, CONTEXT);
      expect([size, isSealedFile(sealed)]).toEqual([size, true]);
      expect([size, sealedPlaintextSize(sealed.length)]).toEqual([size, size]);
      expect((await crypto.open(sealed, CONTEXT)).equals(plain)).toBe(true);
      const streamed = await through(crypto.sealStream(CONTEXT), plain);
      expect((await through(crypto.openStream(CONTEXT), streamed, 1_000)).equals(plain)).toBe(true);
    }
  });

  it('leaves nothing of the plaintext readable, and seals the same file differently each time', async () => {
    const plain = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('GPSLatitude 21.0285 Exif')]);
    const a = await crypto.seal(plain, CONTEXT);
    const b = await crypto.seal(plain, CONTEXT);
    expect(a.subarray(0, 8).equals(plain.subarray(0, 8))).toBe(false);
    expect(a.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(SEALED_HEADER_BYTES + plain.length + 16);
  });

  it('refuses a file with any single byte changed, header included', async () => {
    const plain = randomBytes(2 * CHUNK + 500);
    const sealed = await crypto.seal(plain, CONTEXT);
    const positions = [
      ...Array.from({ length: SEALED_HEADER_BYTES }, (_, i) => i),
      SEALED_HEADER_BYTES + 10, // first chunk's ciphertext
      SEALED_HEADER_BYTES + CHUNK + 3, // first chunk's tag
      SEALED_HEADER_BYTES + CHUNK + 16 + 77, // second chunk
      sealed.length - 20, // last chunk's ciphertext
      sealed.length - 1, // last chunk's tag
    ];
    for (const at of positions) {
      const tampered = Buffer.from(sealed);
      tampered[at] ^= 0x01;
      await expect(crypto.open(tampered, CONTEXT)).rejects.toBeInstanceOf(SealedFileError);
    }
  });

  it('passes on no byte of a chunk that does not authenticate', async () => {
    const plain = randomBytes(3 * CHUNK);
    const sealed = await crypto.seal(plain, CONTEXT);
    sealed[SEALED_HEADER_BYTES + CHUNK + 16 + 5] ^= 0x80; // in the second chunk
    const out: Buffer[] = [];
    const opening = crypto.openStream(CONTEXT);
    opening.on('data', (c: Buffer) => out.push(c));
    await expect(pipeline(Readable.from([sealed]), opening)).rejects.toBeInstanceOf(SealedFileError);
    expect(Buffer.concat(out).equals(plain.subarray(0, CHUNK))).toBe(true);
  });

  it('refuses a truncated file, cut anywhere, at a chunk boundary too, and an extended one', async () => {
    const plain = randomBytes(2 * CHUNK + 500);
    const sealed = await crypto.seal(plain, CONTEXT);
    for (const length of [0, 3, SEALED_HEADER_BYTES, SEALED_HEADER_BYTES + 15, SEALED_HEADER_BYTES + CHUNK + 16]) {
      await expect(crypto.open(sealed.subarray(0, length), CONTEXT)).rejects.toBeInstanceOf(SealedFileError);
    }
    await expect(crypto.open(sealed.subarray(0, sealed.length - 1), CONTEXT)).rejects.toBeInstanceOf(SealedFileError);
    // A whole last chunk dropped: the one before it was not sealed as the last.
    const exact = await crypto.seal(randomBytes(2 * CHUNK), CONTEXT);
    await expect(crypto.open(exact.subarray(0, SEALED_HEADER_BYTES + CHUNK + 16), CONTEXT)).rejects.toBeInstanceOf(
      SealedFileError,
    );
    await expect(crypto.open(Buffer.concat([sealed, Buffer.alloc(16)]), CONTEXT)).rejects.toBeInstanceOf(
      SealedFileError,
    );
  });

  it('refuses a file moved under another storage key', async () => {
    const sealed = await crypto.seal(Buffer.from('proof'), CONTEXT);
    await expect(crypto.open(sealed, 'ab/another-key')).rejects.toBeInstanceOf(SealedFileError);
  });

  it('refuses a file under a key id it does not hold, or under another key with the same id', async () => {
    const sealed = await new FileCrypto(KEY_B, 2).seal(Buffer.from('proof'), CONTEXT);
    await expect(crypto.open(sealed, CONTEXT)).rejects.toThrow('no PII key with id 2');
    await expect(new FileCrypto(KEY_A, 2).open(sealed, CONTEXT)).rejects.toBeInstanceOf(SealedFileError);
  });

  it('opens files sealed under an earlier key after rotation, and seals new ones under the new key', async () => {
    const before = new FileCrypto(KEY_A, 1);
    const old = await before.seal(Buffer.from('old proof'), CONTEXT);
    const after = new FileCrypto(KEY_B, 2, `1=${KEY_A}`);
    expect((await after.open(old, CONTEXT)).toString()).toBe('old proof');
    const fresh = await after.seal(Buffer.from('new proof'), CONTEXT);
    expect(fresh[5]).toBe(2);
    await expect(before.open(fresh, CONTEXT)).rejects.toThrow('no PII key with id 2');
  });

  it('tells a sealed file from a plain one by its first bytes', () => {
    expect(isSealedFile(Buffer.from('89504e470d0a1a0a', 'hex'))).toBe(false);
    expect(isSealedFile(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
    expect(isSealedFile(Buffer.from('%PDF-1.4'))).toBe(false);
    expect(isSealedFile(Buffer.from([0x89, 0x50, 0x41]))).toBe(false);
    expect(sealedPlaintextSize(SEALED_HEADER_BYTES + 15)).toBeNull();
    expect(sealedPlaintextSize(SEALED_HEADER_BYTES + CHUNK + 16 + 3)).toBeNull();
  });
});
