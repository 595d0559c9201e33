import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { FixedWindowLimiter, redisOptions } from '@phananh/redis';
import { currentTestEnv } from '../../test-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The limiter's Lua script on the run's real Redis, under a prefix of this file's own. */
describe('FixedWindowLimiter on Redis', () => {
  const env = currentTestEnv();
  const prefix = `${env.redisPrefix}-limiter-${randomBytes(3).toString('hex')}`;
  let one: IORedis;
  let two: IORedis;
  let a: FixedWindowLimiter;
  let b: FixedWindowLimiter;
  let n = 0;
  const freshKey = () => `k${++n}`;

  beforeAll(() => {
    one = new IORedis(env.redisUrl);
    two = new IORedis(env.redisUrl);
    a = new FixedWindowLimiter(one, prefix);
    b = new FixedWindowLimiter(two, prefix);
  });
  afterAll(async () => {
    const keys = await one.keys(`${prefix}:*`);
    if (keys.length) await one.unlink(...keys);
    one.disconnect();
    two.disconnect();
  });

  it('counts one window across two clients (two API processes), under the prefix', async () => {
    const key = freshKey();
    const counts: number[] = [];
    const started = performance.now();
    for (const limiter of [a, b, a, b]) counts.push((await limiter.hit(key, { windowMs: 60_000 }))!.count);
    expect(counts).toEqual([1, 2, 3, 4]);
    expect(await one.get(`${prefix}:${key}`)).toBe('4');
    const left = (await b.hit(key, { windowMs: 60_000 }))!.resetMs;
    // The one window the first hit opened: what is left of it is 60 s less the time these hits took.
    expect(left).toBeGreaterThanOrEqual(60_000 - (performance.now() - started) - 2);
    expect(left).toBeLessThanOrEqual(60_000);
  });

  it('counts concurrent hits exactly', async () => {
    const key = freshKey();
    const windows = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).hit(key, { windowMs: 60_000 })),
    );
    expect(windows.map((w) => w!.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  // Windows here are a minute long, so that no hit of a test ever falls outside the window it
  // means to be in, however slowly a loaded machine runs; the end of a window is brought about
  // by shortening the key's expiry in Redis, and waited for by watching the key.
  it('starts a new window once the old one has expired', async () => {
    const key = freshKey();
    await a.hit(key, { windowMs: 60_000 });
    await b.hit(key, { windowMs: 60_000 });
    expect((await a.hit(key, { windowMs: 60_000 }))!.count).toBe(3);
    await one.pexpire(`${prefix}:${key}`, 1);
    while (await one.exists(`${prefix}:${key}`)) await sleep(5);
    const fresh = (await b.hit(key, { windowMs: 60_000 }))!;
    expect(fresh.count).toBe(1);
    expect(fresh.resetMs).toBeGreaterThan(59_000);
  });

  it('stretches the window to the block when the limit is first passed, and only then', async () => {
    const key = freshKey();
    const options = { windowMs: 60_000, limit: 2, blockMs: 120_000 };
    expect((await a.hit(key, options))!.resetMs).toBeLessThanOrEqual(60_000);
    expect((await b.hit(key, options))!.resetMs).toBeLessThanOrEqual(60_000);
    const blocked = (await a.hit(key, options))!;
    expect(blocked.count).toBe(3);
    expect(blocked.resetMs).toBeGreaterThan(60_000);
    // Later in the block (its expiry shortened as time would), a further hit leaves it alone.
    await one.pexpire(`${prefix}:${key}`, 90_000);
    const still = (await b.hit(key, options))!;
    expect(still.count).toBe(4);
    expect(still.resetMs).toBeLessThanOrEqual(90_000);
  });

  it('gives an expiry to a counter that has none (left by a crash between commands)', async () => {
    const key = freshKey();
    await one.set(`${prefix}:${key}`, '7');
    const window = (await a.hit(key, { windowMs: 60_000 }))!;
    expect(window.count).toBe(8);
    expect(await one.pttl(`${prefix}:${key}`)).toBeGreaterThan(0);
  });

  it('fails open, promptly, when Redis cannot be reached', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const down = new IORedis({ ...redisOptions('redis://127.0.0.1:1', 'producer'), retryStrategy: () => null });
    down.on('error', () => undefined);
    try {
      expect(await new FixedWindowLimiter(down, prefix, 500).hit(freshKey(), { windowMs: 60_000 })).toBeNull();
      // Promptly: it failed on the client's refusal (no offline queue), not on its own timeout.
      expect(warn.mock.calls[0][0]).toEqual({ err: "Stream isn't writeable and enableOfflineQueue options is false" });
    } finally {
      down.disconnect();
    }
  });
});
