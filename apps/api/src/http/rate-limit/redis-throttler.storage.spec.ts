import type { FixedWindowLimiter, HitOptions, WindowCount } from '@phananh/redis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** A limiter that records its calls and answers as `answer` says. */
function fakeLimiter(answer: () => WindowCount | null) {
  const calls: [string, HitOptions][] = [];
  const limiter = {
    hit: async (key: string, options: HitOptions) => {
      calls.push([key, options]);
      return answer();
    },
  } as unknown as FixedWindowLimiter;
  return { limiter, calls };
}

describe('RedisThrottlerStorage', () => {
  it('counts per throttler and blocks above the limit with the seconds left', async () => {
    let hits = 0;
    const { limiter, calls } = fakeLimiter(() => ({ count: ++hits, resetMs: 41_500 }));
    const storage = new RedisThrottlerStorage(limiter);
    expect(await storage.increment('k', 60_000, 2, 90_000, 'lookups')).toEqual({
      totalHits: 1,
      timeToExpire: 42,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    await storage.increment('k', 60_000, 2, 90_000, 'lookups');
    expect(await storage.increment('k', 60_000, 2, 90_000, 'lookups')).toMatchObject({
      totalHits: 3,
      isBlocked: true,
      timeToBlockExpire: 42,
    });
    expect(calls[0]).toEqual(['throttle:lookups:k', { windowMs: 60_000, limit: 2, blockMs: 90_000 }]);
  });

  it('lets the request through when the limiter cannot count', async () => {
    const { limiter } = fakeLimiter(() => null);
    expect(await new RedisThrottlerStorage(limiter).increment('k', 60_000, 1, 60_000, 'filings')).toEqual({
      totalHits: 0,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });
});
