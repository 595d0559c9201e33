import { TRACKING_ALPHABET, TRACKING_RANDOM_LENGTH, newTrackingCode, normalizeTrackingCode } from './tracking-code';

describe('tracking codes', () => {
  it('are short, grouped for reading aloud, and valid', () => {
    for (let i = 0; i < 1000; i++) {
      const code = newTrackingCode();
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{3}$/);
      expect(code.length).toBeLessThanOrEqual(16);
      expect(normalizeTrackingCode(code)).toBe(code);
    }
  });

  it('use an alphabet without look-alikes (no 0/O, no 1/I/L)', () => {
    expect(TRACKING_ALPHABET).toHaveLength(31);
    expect(new Set(TRACKING_ALPHABET).size).toBe(31);
    for (const ch of '01OIL') expect(TRACKING_ALPHABET).not.toContain(ch);
  });

  it('carry at least 40 bits of randomness', () => {
    expect(TRACKING_RANDOM_LENGTH * Math.log2(TRACKING_ALPHABET.length)).toBeGreaterThanOrEqual(40);
  });

  it('use every symbol in every random position, about evenly', () => {
    const n = 31_000;
    const counts = Array.from({ length: TRACKING_RANDOM_LENGTH }, () => new Map<string, number>());
    for (let i = 0; i < n; i++) {
      const compact = newTrackingCode().replace(/-/g, '');
      for (let p = 0; p < TRACKING_RANDOM_LENGTH; p++) counts[p].set(compact[p], (counts[p].get(compact[p]) ?? 0) + 1);
    }
    for (const position of counts) {
      expect(position.size).toBe(31);
      // Expected 1000 per symbol; ±25 % is more than 7 standard deviations.
      for (const c of position.values()) expect(Math.abs(c - 1000)).toBeLessThan(250);
    }
  });

  it('do not repeat in 100,000 draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(newTrackingCode());
    expect(seen.size).toBe(100_000);
  });

  it('are accepted in any case, with or without separators', () => {
    const code = newTrackingCode();
    const compact = code.replace(/-/g, '');
    expect(normalizeTrackingCode(code.toLowerCase())).toBe(code);
    expect(normalizeTrackingCode(compact)).toBe(code);
    expect(normalizeTrackingCode(` ${compact.slice(0, 3)} ${compact.slice(3).toLowerCase()} `)).toBe(code);
  });

  it('catch every single mistyped symbol, in every position, including the check symbol', () => {
    const accepted: string[] = [];
    let tried = 0;
    for (let n = 0; n < 200; n++) {
      const compact = newTrackingCode().replace(/-/g, '');
      for (let p = 0; p < compact.length; p++) {
        for (const ch of TRACKING_ALPHABET) {
          if (ch === compact[p]) continue;
          const typo = compact.slice(0, p) + ch + compact.slice(p + 1);
          tried++;
          if (normalizeTrackingCode(typo) !== null) accepted.push(`${compact} → ${typo}`);
        }
      }
    }
    expect(tried).toBe(200 * 11 * 30);
    expect(accepted).toEqual([]);
  });

  it('catch every swap of two neighbouring symbols', () => {
    for (let n = 0; n < 500; n++) {
      const compact = newTrackingCode().replace(/-/g, '');
      for (let p = 0; p + 1 < compact.length; p++) {
        if (compact[p] === compact[p + 1]) continue;
        const swapped = compact.slice(0, p) + compact[p + 1] + compact[p] + compact.slice(p + 2);
        expect(normalizeTrackingCode(swapped)).toBeNull();
      }
    }
  });

  it('refuse the wrong length and symbols outside the alphabet', () => {
    const compact = newTrackingCode().replace(/-/g, '');
    expect(normalizeTrackingCode(compact.slice(0, -1))).toBeNull();
    expect(normalizeTrackingCode(compact + 'A')).toBeNull();
    expect(normalizeTrackingCode('')).toBeNull();
    expect(normalizeTrackingCode(compact.slice(0, -1).replace(/./, '0') + compact.slice(-1))).toBeNull();
    expect(normalizeTrackingCode('OOOO-IIII-LLL')).toBeNull();
  });
});
