import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** A 32-byte key from its hex or base64 text (PII_KEY, PII_PREVIOUS_KEYS). */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('A PII key must be 32 bytes');
  return key;
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `phananh:${purpose}`, 32));
}

/**
 * Protects identity and phone numbers at rest: AES-256-GCM with a one-byte key id in
 * front (layout: id | iv(12) | tag(16) | ciphertext), so keys can be rotated while old
 * rows stay readable; and a keyed HMAC "blind index" to match equal numbers without
 * storing them, under its own secret (BLIND_INDEX_KEY), so that rotating PII_KEY leaves
 * matching alone and changing the index key is a rebuild (`npm run blind-index:rebuild`).
 *
 * Without `blindIndexKey` (tools and tests that build one by hand) the index key is
 * derived from the oldest PII key, as it was before BLIND_INDEX_KEY existed.
 */
export class PiiCrypto {
  private readonly keys = new Map<number, Buffer>();
  private readonly indexKey: Buffer;

  constructor(
    currentKey: string,
    private readonly currentId = 1,
    previous = '',
    blindIndexKey?: string,
  ) {
    this.keys.set(currentId, derive(parseKey(currentKey), 'encrypt'));
    let indexMaster = parseKey(currentKey);
    let lowestId = currentId;
    for (const entry of previous.split(',').filter(Boolean)) {
      const eq = entry.indexOf('=');
      const id = Number(entry.slice(0, eq));
      const key = parseKey(entry.slice(eq + 1));
      this.keys.set(id, derive(key, 'encrypt'));
      if (id < lowestId) {
        lowestId = id;
        indexMaster = key;
      }
    }
    this.indexKey = blindIndexKey
      ? derive(parseKey(blindIndexKey), 'blind-index-key')
      : derive(indexMaster, 'blind-index');
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([this.currentId]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer): string {
    const key = this.keys.get(sealed[0]);
    if (!key) throw new Error(`No PII key with id ${sealed[0]}`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }

  blindIndex(plain: string): Buffer {
    return createHmac('sha256', this.indexKey).update(plain).digest();
  }
}

/** `001090012345` → `001******345`: enough for an official to recognise, too little to reuse. */
export function maskCitizenId(id: string): string {
  return id.length <= 6 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 6)}${id.slice(-3)}`;
}

/** `+84912345678` → `+8491****678`. */
export function maskPhone(phone: string): string {
  return phone.length <= 7
    ? '*'.repeat(phone.length)
    : `${phone.slice(0, 5)}${'*'.repeat(phone.length - 8)}${phone.slice(-3)}`;
}
