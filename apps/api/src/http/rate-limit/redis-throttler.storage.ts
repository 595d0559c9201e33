import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { withTimeout } from '@phananh/core';

/**
 * One fixed window per key, counted and given its expiry atomically (a crash between
 * INCR and PEXPIRE would leave a counter that never resets). When the limit is first
 * exceeded and the block is longer than what is left of the window, the window is
 * stretched to the block.
 */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits == tonumber(ARGV[2]) + 1 and tonumber(ARGV[3]) > ttl then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
end
return {hits, ttl}`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface WithHitCommand extends Redis {
  phananhThrottleHit(key: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number]>;
}

/** How long a request waits for Redis before the limiter gives up and lets it through. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 1000;
const WARN_EVERY_MS = 10_000;

/**
 * @nestjs/throttler storage on Redis, so that limits hold across API processes. Keys are
 * `<REDIS_PREFIX>:throttle:<throttler>:<hashed key>`. When Redis is down or slow, it
 * FAILS OPEN: a citizen's report must never be refused or delayed because the limiter
 * cannot count it.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: WithHitCommand;
  private lastWarning = -Infinity;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly timeoutMs = RATE_LIMIT_REDIS_TIMEOUT_MS,
  ) {
    if (!('phananhThrottleHit' in redis))
      redis.defineCommand('phananhThrottleHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as WithHitCommand;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, remainingMs] = await withTimeout(
        this.redis.phananhThrottleHit(`${this.prefix}:throttle:${throttlerName}:${key}`, ttl, limit, blockDuration),
        this.timeoutMs,
        `Redis did not answer within ${this.timeoutMs} ms`,
      );
      const seconds = Math.max(1, Math.ceil(Number(remainingMs) / 1000));
      const isBlocked = Number(hits) > limit;
      return { totalHits: Number(hits), timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
    } catch (err) {
      this.warn(err);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  private warn(err: unknown): void {
    const now = performance.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn({ err: (err as Error)?.message }, 'rate limiter unavailable, letting requests through');
  }
}
