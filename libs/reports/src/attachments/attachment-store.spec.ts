import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AppConfig, FileCrypto, isSealedFile } from '@phananh/core';
import { AttachmentIntegrityError, LocalAttachmentStore } from './attachment-store';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

describe('LocalAttachmentStore', () => {
  let dir: string;
  let store: LocalAttachmentStore;
  const storeWith = (crypto: FileCrypto) => new LocalAttachmentStore({ ATTACHMENTS_DIR: dir } as AppConfig, crypto);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-store-'));
    store = storeWith(new FileCrypto(KEY_A));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = async (key: string, expected?: Buffer) => {
    const opened = await store.open(key, expected);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    return { ...opened, content: Buffer.concat(chunks) };
  };
  /** A file written the way the store wrote them before files were sealed. */
  const legacy = (content: Buffer) => {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    mkdirSync(join(dir, key.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, key), content, { mode: 0o600 });
    return key;
  };

  it('seals what it stores, readable only by the service, and gives back the content with its size and sha256', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.4 proof '), randomBytes(200_000)]);
    const stored = await store.put(content);
    expect(stored.size).toBe(content.length);
    expect(stored.sha256.equals(sha256(content))).toBe(true);
    expect(stored.key).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
    const onDisk = readFileSync(join(dir, stored.key));
    expect(statSync(join(dir, stored.key)).mode & 0o777).toBe(0o600);
    expect(isSealedFile(onDisk)).toBe(true);
    expect(onDisk.includes(Buffer.from('%PDF'))).toBe(false);
    expect(await store.isSealed(stored.key)).toBe(true);
    const back = await read(stored.key, stored.sha256);
    expect([back.sealed, back.size]).toEqual([true, content.length]);
    expect(back.content.equals(content)).toBe(true);
  });

  it('stores a stream as well as a buffer', async () => {
    const parts = [randomBytes(70_000), randomBytes(5), randomBytes(100_000)];
    const stored = await store.put(Readable.from(parts));
    expect((await read(stored.key)).content.equals(Buffer.concat(parts))).toBe(true);
  });

  it('never hands over a byte of a tampered, truncated or moved file', async () => {
    const content = randomBytes(150_000);
    const { key } = await store.put(content);
    const path = join(dir, key);
    const sealed = readFileSync(path);
    for (const at of [5, 40, 70_000, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] ^= 1;
      writeFileSync(path, tampered);
      await expect(store.open(key)).rejects.toBeInstanceOf(AttachmentIntegrityError);
    }
    writeFileSync(path, sealed.subarray(0, sealed.length - 100));
    await expect(store.open(key)).rejects.toBeInstanceOf(AttachmentIntegrityError);
    const other = await store.put(Buffer.from('other'));
    writeFileSync(join(dir, other.key), sealed);
    await expect(store.open(other.key)).rejects.toBeInstanceOf(AttachmentIntegrityError);
    // The magic overwritten, so that the file looks like one stored before sealing: its hash gives it away.
    const unmagic = Buffer.from(sealed);
    unmagic[0] = 0xff;
    writeFileSync(path, unmagic);
    await expect(store.open(key, sha256(content))).rejects.toBeInstanceOf(AttachmentIntegrityError);
  });

  it('refuses a file whose content is not the one its row records', async () => {
    const { key } = await store.put(Buffer.from('proof'));
    await expect(store.open(key, sha256(Buffer.from('another proof')))).rejects.toBeInstanceOf(
      AttachmentIntegrityError,
    );
  });

  it('opens files sealed under an earlier PII key after rotation', async () => {
    const { key } = await store.put(Buffer.from('sealed under key 1'));
    store = storeWith(new FileCrypto(KEY_B, 2, `1=${KEY_A}`));
    expect((await read(key)).content.toString()).toBe('sealed under key 1');
    const fresh = await store.put(Buffer.from('sealed under key 2'));
    expect(readFileSync(join(dir, fresh.key))[5]).toBe(2);
    store = storeWith(new FileCrypto(KEY_B, 2));
    await expect(store.open(key)).rejects.toBeInstanceOf(AttachmentIntegrityError);
  });

  it('serves a file stored before sealing as it is, when its hash matches', async () => {
    const content = Buffer.from('89504e470d0a1a0a', 'hex');
    const key = legacy(content);
    expect(await store.isSealed(key)).toBe(false);
    const back = await read(key, sha256(content));
    expect([back.sealed, back.content.equals(content)]).toEqual([false, true]);
    expect((await store.readUnsealed(key, 100)).equals(content)).toBe(true);
    await expect(store.readUnsealed(key, 4)).rejects.toThrow('larger than 4 bytes');
  });

  it('stages a sealed file beside an old one and swaps it in only on commit', async () => {
    const key = legacy(Buffer.from('old plaintext'));
    const staged = await store.stage(key, Buffer.from('new content'));
    expect(await store.isSealed(key)).toBe(false);
    expect(staged.size).toBe(11);
    await staged.commit();
    expect((await read(key, staged.sha256)).content.toString()).toBe('new content');
    expect(readdirSync(join(dir, key.slice(0, 2)))).toEqual([key.slice(3)]);
    const again = await store.stage(key, Buffer.from('discarded'));
    await again.discard();
    expect((await read(key)).content.toString()).toBe('new content');
    expect(readdirSync(join(dir, key.slice(0, 2)))).toEqual([key.slice(3)]);
  });

  it('removes a file, and removing it again is fine', async () => {
    const { key } = await store.put(Buffer.from('x'));
    await store.remove(key);
    await store.remove(key);
    await expect(store.open(key)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves no partial file when the content fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(randomBytes(100_000));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put(failing)).rejects.toThrow('client went away');
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files).toEqual([]);
  });

  it('refuses keys it did not make, so no path escapes the directory', async () => {
    for (const key of ['../../etc/passwd', '/etc/passwd', 'ab/../../x', '']) {
      await expect(store.open(key)).rejects.toThrow('Invalid attachment key');
      await expect(store.remove(key)).rejects.toThrow('Invalid attachment key');
      await expect(store.stage(key, Buffer.from('x'))).rejects.toThrow('Invalid attachment key');
    }
  });
});
