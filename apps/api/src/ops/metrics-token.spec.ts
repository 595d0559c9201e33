import { bearerMatches } from './metrics-token';

describe('bearerMatches', () => {
  const token = 'metrics-token-0123456789-abcdefghijkl';

  it('accepts exactly `Bearer <token>`', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Basic ${Buffer.from(`metrics:${token}`).toString('base64')}`,
    token,
    `Bearer ${token} extra`,
  ])('refuses %s', (header) => {
    expect(bearerMatches(header, token)).toBe(false);
  });
});
