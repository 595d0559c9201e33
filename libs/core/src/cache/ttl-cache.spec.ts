import { TtlCache } from './ttl-cache';

/** A cache over a load that counts its calls and settles when the test says, on a hand-moved time. */
function harness(ttlMs = 1_000) {
  let time = 0;
  let loads = 0;
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const cache = new TtlCache<number>({
    ttlMs,
    now: () => time,
    load: () =>
      new Promise<number>((resolve, reject) => {
        loads++;
        pending.push({ resolve, reject });
      }),
  });
  return {
    cache,
    loads: () => loads,
    advance: (ms: number) => (time += ms),
    settle: (value: number) => pending.shift()!.resolve(value),
    fail: (message: string) => pending.shift()!.reject(new Error(message)),
    /** get() on a miss, its load answering `value`. */
    loadAndGet: (value: number) => {
      const answer = cache.get();
      pending.shift()!.resolve(value);
      return answer;
    },
  };
}

describe('TtlCache', () => {
  it('loads once and serves the value until the ttl has passed', async () => {
    const h = harness(1_000);
    expect(await h.loadAndGet(1)).toBe(1);
    h.advance(999);
    expect(await h.cache.get()).toBe(1);
    expect(h.loads()).toBe(1);
    h.advance(1);
    expect(await h.loadAndGet(2)).toBe(2);
    expect(h.loads()).toBe(2);
  });

  it('shares one load between concurrent misses', async () => {
    const h = harness();
    const answers = Promise.all([h.cache.get(), h.cache.get(), h.cache.get()]);
    h.settle(7);
    expect(await answers).toEqual([7, 7, 7]);
    expect(h.loads()).toBe(1);
  });

  it('keeps no failed load: the next call loads again', async () => {
    const h = harness();
    const failing = h.cache.get();
    h.fail('database down');
    await expect(failing).rejects.toThrow('database down');
    expect(await h.loadAndGet(3)).toBe(3);
    expect(h.loads()).toBe(2);
  });

  it('after invalidate() loads afresh, and does not keep what a load begun before it answered', async () => {
    const h = harness();
    const stale = h.cache.get();
    h.cache.invalidate();
    const fresh = h.cache.get();
    expect(h.loads()).toBe(2);
    h.settle(1);
    expect(await stale).toBe(1);
    h.settle(2);
    expect(await fresh).toBe(2);
    expect(await h.cache.get()).toBe(2);
    expect(h.loads()).toBe(2);
  });

  it('dates the value from the start of its load', async () => {
    const h = harness(1_000);
    const first = h.cache.get();
    h.advance(600);
    h.settle(1);
    await first;
    h.advance(400);
    const again = h.cache.get();
    expect(h.loads()).toBe(2);
    h.settle(2);
    expect(await again).toBe(2);
  });
});
