import { PiiCrypto, maskCitizenId, maskPhone } from './pii-crypto';

const KEY_A = 'a'.repeat(64);
const KEY_B = Buffer.alloc(32, 7).toString('base64');

describe('PiiCrypto', () => {
  it('encrypts so that the number is not in the stored bytes, and decrypts it back', () => {
    const pii = new PiiCrypto(KEY_A);
    const sealed = pii.encrypt('001090012345');
    expect(sealed.toString('latin1')).not.toContain('001090012345');
    expect(sealed[0]).toBe(1);
    expect(pii.decrypt(sealed)).toBe('001090012345');
    expect(pii.encrypt('001090012345').equals(sealed)).toBe(false); // fresh IV each time
  });

  it('refuses a tampered value', () => {
    const pii = new PiiCrypto(KEY_A);
    const sealed = pii.encrypt('001090012345');
    sealed[sealed.length - 1] ^= 1;
    expect(() => pii.decrypt(sealed)).toThrow();
  });

  it('reads values sealed with an earlier key after rotation, and keeps matching them', () => {
    const before = new PiiCrypto(KEY_A, 1);
    const sealed = before.encrypt('001090012345');
    const after = new PiiCrypto(KEY_B, 2, `1=${KEY_A}`);
    expect(after.decrypt(sealed)).toBe('001090012345');
    expect(after.encrypt('x')[0]).toBe(2);
    expect(after.blindIndex('001090012345').equals(before.blindIndex('001090012345'))).toBe(true);
  });

  it('gives a keyed blind index: equal for equal numbers, different under another key', () => {
    const a = new PiiCrypto(KEY_A);
    expect(a.blindIndex('001090012345').equals(a.blindIndex('001090012345'))).toBe(true);
    expect(a.blindIndex('001090012345').equals(a.blindIndex('001090012346'))).toBe(false);
    expect(new PiiCrypto(KEY_B).blindIndex('001090012345').equals(a.blindIndex('001090012345'))).toBe(false);
  });

  it('keys the blind index with its own key when given one: PII rotation leaves it alone, another index key changes it', () => {
    const INDEX_1 = Buffer.alloc(32, 1).toString('base64');
    const INDEX_2 = 'cd'.repeat(32);
    const before = new PiiCrypto(KEY_A, 1, '', INDEX_1);
    const rotated = new PiiCrypto(KEY_B, 2, `1=${KEY_A}`, INDEX_1);
    expect(rotated.blindIndex('001090012345').equals(before.blindIndex('001090012345'))).toBe(true);
    const reindexed = new PiiCrypto(KEY_A, 1, '', INDEX_2);
    expect(reindexed.blindIndex('001090012345').equals(before.blindIndex('001090012345'))).toBe(false);
    expect(reindexed.decrypt(before.encrypt('001090012345'))).toBe('001090012345');
    // Not the old derivation from the PII key, even when the index key is that same key.
    expect(new PiiCrypto(KEY_A, 1, '', KEY_A).blindIndex('x').equals(new PiiCrypto(KEY_A).blindIndex('x'))).toBe(false);
    expect(() => new PiiCrypto(KEY_A, 1, '', 'c2hvcnQ=')).toThrow('32 bytes');
  });

  it('masks for lists', () => {
    expect(maskCitizenId('001090012345')).toBe('001******345');
    expect(maskPhone('+84912345678')).toBe('+8491****678');
  });
});
