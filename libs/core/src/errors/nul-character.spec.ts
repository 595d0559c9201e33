import { AppError } from './app-error';
import { nulCharacterAt, nulCharacterError, validateDto } from './validation';
import { IsString } from 'class-validator';

class Note {
  @IsString()
  text!: string;
}

describe('NUL characters in input (PostgreSQL text cannot hold U+0000)', () => {
  it('finds the dotted path of the first string or key holding one', () => {
    expect(nulCharacterAt({ a: 'ok', b: { c: ['x', 'y\u0000z'] } })).toBe('b.c.1');
    expect(nulCharacterAt({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(nulCharacterAt('T7K-\u0000', 'trackingCode')).toBe('trackingCode');
    expect(nulCharacterAt({ a: 'ok', n: 1, z: null, list: ['\\u0000 as text is fine'] })).toBeUndefined();
  });

  it('is a 400 naming the field, in both languages', () => {
    const err = nulCharacterError({ reason: 'a\u0000b' });
    expect(err).toBeInstanceOf(AppError);
    expect(err!.def.status).toBe(400);
    expect(err!.fieldErrors).toEqual([
      {
        field: 'reason',
        code: 'nulCharacter',
        message: { vi: 'Không được chứa ký tự NUL (U+0000)', en: 'Must not contain the NUL character (U+0000)' },
      },
    ]);
    expect(nulCharacterError({ reason: 'fine' })).toBeUndefined();
  });

  it('is refused by validateDto too (multipart JSON parts)', async () => {
    await expect(validateDto(Note, { text: 'a\u0000' })).rejects.toMatchObject({
      fieldErrors: [expect.objectContaining({ field: 'text', code: 'nulCharacter' })],
    });
    await expect(validateDto(Note, { text: 'a' })).resolves.toEqual({ text: 'a' });
  });
});
