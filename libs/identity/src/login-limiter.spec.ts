import type { AppConfig } from '@phananh/core';
import { FixedWindowLimiter, RedisClient, WindowCount } from '@phananh/redis';
import { LoginLimiter } from './login-limiter';

/** A LoginLimiter whose shared limiter answers per key as `answer` says (the limiter has tests of its own). */
function loginLimiter(answer: (key: string) => WindowCount | null) {
  const hit = jest.spyOn(FixedWindowLimiter.prototype, 'hit').mockImplementation(async (key) => answer(key));
  const client = { redis: { defineCommand: () => undefined } } as unknown as RedisClient;
  const config = { REDIS_PREFIX: 'pfx', RATE_LIMIT_LOGINS_PER_MINUTE: 5 } as AppConfig;
  return { limiter: new LoginLimiter(client, config), hit };
}

describe('LoginLimiter', () => {
  afterEach(() => jest.restoreAllMocks());

  it('counts per username (any case) and per address, in one-minute windows', async () => {
    const { limiter, hit } = loginLimiter(() => ({ count: 1, resetMs: 60_000 }));
    expect(await limiter.attempt('Nguyen.An', '203.0.113.9')).toBeNull();
    expect(hit.mock.calls.map(([key, options]) => [key, options]).sort()).toEqual([
      ['rl:login:addr:203.0.113.9', { windowMs: 60_000 }],
      ['rl:login:user:nguyen.an', { windowMs: 60_000 }],
    ]);
  });

  it('counts an IPv6 client by its /64, and an IPv4-mapped one as its IPv4 address', async () => {
    const { limiter, hit } = loginLimiter(() => ({ count: 1, resetMs: 60_000 }));
    await limiter.attempt('an', '2001:db8:7:8::1');
    await limiter.attempt('an', '2001:db8:7:8:ffff::2');
    await limiter.attempt('an', '::ffff:203.0.113.9');
    expect(hit.mock.calls.map(([key]) => key).filter((key) => key.includes(':addr:'))).toEqual([
      'rl:login:addr:2001:db8:7:8::/64',
      'rl:login:addr:2001:db8:7:8::/64',
      'rl:login:addr:203.0.113.9',
    ]);
  });

  it('answers the seconds until the later of the exceeded windows resets', async () => {
    const { limiter } = loginLimiter((key) =>
      key.includes(':user:') ? { count: 6, resetMs: 12_400 } : { count: 9, resetMs: 30_001 },
    );
    expect(await limiter.attempt('an', '203.0.113.9')).toBe(31);
  });

  it('lets the attempt through when Redis cannot count it', async () => {
    const { limiter } = loginLimiter(() => null);
    expect(await limiter.attempt('an', '203.0.113.9')).toBeNull();
  });
});
