import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '@phananh/core';
import { LocalAttachmentStore } from './attachment-store';

describe('LocalAttachmentStore', () => {
  let dir: string;
  let store: LocalAttachmentStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-store-'));
    store = new LocalAttachmentStore({ ATTACHMENTS_DIR: dir } as AppConfig);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = async (key: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await store.open(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('stores a file with its size and sha256, readable only by the service, and reads it back', async () => {
    const content = Buffer.from('%PDF-1.4 proof');
    const stored = await store.put(content);
    expect(stored.size).toBe(content.length);
    expect(stored.sha256.equals(createHash('sha256').update(content).digest())).toBe(true);
    expect(stored.key).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
    expect(statSync(join(dir, stored.key)).mode & 0o777).toBe(0o600);
    expect((await read(stored.key)).equals(content)).toBe(true);
  });

  it('removes a file, and removing it again is fine', async () => {
    const { key } = await store.put(Buffer.from('x'));
    await store.remove(key);
    await store.remove(key);
    await expect(store.open(key)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses keys it did not make, so no path escapes the directory', async () => {
    for (const key of ['../../etc/passwd', '/etc/passwd', 'ab/../../x', '']) {
      await expect(store.open(key)).rejects.toThrow('Invalid attachment key');
      await expect(store.remove(key)).rejects.toThrow('Invalid attachment key');
    }
  });
});
