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

  it('masks for lists', () => {
    expect(maskCitizenId('001090012345')).toBe('001******345');
    expect(maskPhone('+84912345678')).toBe('+8491****678');
  });
});
