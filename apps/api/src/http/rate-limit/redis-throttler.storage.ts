import { ThrottlerStorage } from '@nestjs/throttler';
import { FixedWindowLimiter } from '@phananh/redis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler storage on the shared Redis fixed-window limiter, so that limits hold
 * across API processes. Keys are `<REDIS_PREFIX>:throttle:<throttler>:<hashed key>`. When
 * Redis is down or slow the limiter fails open and so does every throttled route.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly limiter: FixedWindowLimiter) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const window = await this.limiter.hit(`throttle:${throttlerName}:${key}`, {
      windowMs: ttl,
      limit,
      blockMs: blockDuration,
    });
    if (!window) return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    const seconds = Math.max(1, Math.ceil(window.resetMs / 1000));
    const isBlocked = window.count > limit;
    return { totalHits: window.count, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }
}
