import type { Redis } from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** Just enough of ioredis: defineCommand, and the command it defines answering as `answer` says. */
function fakeRedis(answer: (key: string) => Promise<[number, number]>) {
  const calls: string[] = [];
  const redis = {
    defineCommand(name: string) {
      (redis as Record<string, unknown>)[name] = (key: string) => {
        calls.push(key);
        return answer(key);
      };
    },
  };
  return { redis: redis as unknown as Redis, calls };
}

describe('RedisThrottlerStorage', () => {
  it('counts under the configured prefix and blocks above the limit with the seconds left', async () => {
    let hits = 0;
    const { redis, calls } = fakeRedis(async () => [++hits, 41_500]);
    const storage = new RedisThrottlerStorage(redis, 'pfx');
    expect(await storage.increment('k', 60_000, 2, 60_000, 'lookups')).toEqual({
      totalHits: 1,
      timeToExpire: 42,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    await storage.increment('k', 60_000, 2, 60_000, 'lookups');
    expect(await storage.increment('k', 60_000, 2, 60_000, 'lookups')).toMatchObject({
      totalHits: 3,
      isBlocked: true,
      timeToBlockExpire: 42,
    });
    expect(calls).toEqual(['pfx:throttle:lookups:k', 'pfx:throttle:lookups:k', 'pfx:throttle:lookups:k']);
  });

  it('fails open at once when Redis refuses', async () => {
    const { redis } = fakeRedis(() => Promise.reject(new Error("Stream isn't writeable")));
    const record = await new RedisThrottlerStorage(redis, 'pfx').increment('k', 60_000, 1, 60_000, 'filings');
    expect(record).toMatchObject({ isBlocked: false, totalHits: 0 });
  });

  it('fails open at its timeout when Redis hangs, and not before', async () => {
    jest.useFakeTimers();
    try {
      const { redis } = fakeRedis(() => new Promise(() => undefined));
      let record: Awaited<ReturnType<RedisThrottlerStorage['increment']>> | undefined;
      const pending = new RedisThrottlerStorage(redis, 'pfx', 50)
        .increment('k', 60_000, 1, 60_000, 'filings')
        .then((r) => (record = r));
      await jest.advanceTimersByTimeAsync(49);
      expect(record).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(record).toMatchObject({ isBlocked: false, totalHits: 0 });
      await pending;
    } finally {
      jest.useRealTimers();
    }
  });
});
