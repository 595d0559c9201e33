import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { FixedWindowLimiter } from './rate-limiter';

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

describe('FixedWindowLimiter (without Redis; the script runs on Redis in test/integration)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('counts under the prefix and answers the count and the milliseconds left', async () => {
    let hits = 0;
    const { redis, calls } = fakeRedis(async () => [++hits, 41_500]);
    const limiter = new FixedWindowLimiter(redis, 'pfx');
    expect(await limiter.hit('throttle:lookups:k', { windowMs: 60_000 })).toEqual({ count: 1, resetMs: 41_500 });
    expect(await limiter.hit('throttle:lookups:k', { windowMs: 60_000 })).toEqual({ count: 2, resetMs: 41_500 });
    expect(calls).toEqual(['pfx:throttle:lookups:k', 'pfx:throttle:lookups:k']);
  });

  it('fails open at once when Redis refuses, and warns once however often it fails', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { redis } = fakeRedis(() => Promise.reject(new Error("Stream isn't writeable")));
    const limiter = new FixedWindowLimiter(redis, 'pfx');
    expect(await limiter.hit('k', { windowMs: 60_000 })).toBeNull();
    expect(await limiter.hit('k', { windowMs: 60_000 })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][1]).toBe('rate limiter unavailable, letting requests through');
  });

  it('fails open at its timeout when Redis hangs, and not before', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.useFakeTimers();
    try {
      const { redis } = fakeRedis(() => new Promise(() => undefined));
      let answer: Awaited<ReturnType<FixedWindowLimiter['hit']>> | 'pending' = 'pending';
      const pending = new FixedWindowLimiter(redis, 'pfx', 50).hit('k', { windowMs: 60_000 }).then((a) => (answer = a));
      await jest.advanceTimersByTimeAsync(49);
      expect(answer).toBe('pending');
      await jest.advanceTimersByTimeAsync(1);
      expect(answer).toBeNull();
      await pending;
    } finally {
      jest.useRealTimers();
    }
  });
});
