import { langFrom } from './app-error';
import { scrubPii } from '../logging/logger-options';

describe('langFrom', () => {
  it.each([
    [undefined, 'vi'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['vi-VN,vi;q=0.9,en;q=0.8', 'vi'],
    ['fr-FR', 'vi'],
    ['vi;q=0.5,en;q=0.9', 'en'],
  ])('%s → %s', (header, lang) => expect(langFrom(header)).toBe(lang));
});

describe('scrubPii', () => {
  it('masks identity numbers, old ID cards and phone numbers in free text', () => {
    expect(scrubPii('id 001090012345 cmnd 012345678 phone 0912345678 or +84912345678')).toBe(
      'id [redacted] cmnd [redacted] phone [redacted] or [redacted]',
    );
  });

  it('leaves other numbers alone', () => {
    expect(scrubPii('ward 00001 dose 2 took 1234 ms at 2021-11-03')).toBe(
      'ward 00001 dose 2 took 1234 ms at 2021-11-03',
    );
  });
});
