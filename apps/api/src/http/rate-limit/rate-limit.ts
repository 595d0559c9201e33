import { ExecutionContext, Injectable, Module, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import { AppConfig, AppError, CommonErrors, rateLimitClientKey } from '@phananh/core';
import { FixedWindowLimiter, RedisClient } from '@phananh/redis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * The named limits, each per client address and minute (req.ip after TRUST_PROXY, an IPv6
 * address counted by its /64: rateLimitClientKey), shared by the routes that name it.
 */
export type RateLimitName = 'filings' | 'lookups' | 'open311-reads';

const RATE_LIMITS = 'phananh:rate-limits';
const reflector = new Reflector();
const MINUTE_MS = 60_000;

/**
 * A throttler that applies only to routes that name it with @RateLimit, with one budget per
 * address across all of them (the lookup and the withdrawal share the `lookups` count); the
 * address is hashed into the Redis key, as the library does.
 */
function only(name: RateLimitName, limit: number): ThrottlerOptions {
  return {
    name,
    ttl: MINUTE_MS,
    limit,
    generateKey: (_ctx: ExecutionContext, tracker: string) =>
      createHash('sha256').update(`${name}-${tracker}`).digest('hex'),
    skipIf: (ctx: ExecutionContext) =>
      !(reflector.getAllAndOverride<RateLimitName[]>(RATE_LIMITS, [ctx.getHandler(), ctx.getClass()]) ?? []).includes(
        name,
      ),
  };
}

/** Counts per client (rateLimitClientKey); answers 429 as problem+json with the real seconds to wait in Retry-After. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: { ip?: string }): Promise<string> {
    return rateLimitClientKey(req.ip);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new AppError(CommonErrors.TOO_MANY_REQUESTS, undefined, [], {
      'Retry-After': String(Math.max(1, detail.timeToBlockExpire)),
    });
  }
}

/** Limits a route (or every route of a controller) by the named per-address limits. */
export const RateLimit = (...names: RateLimitName[]) =>
  applyDecorators(SetMetadata(RATE_LIMITS, names), UseGuards(RateLimitGuard));

/**
 * @nestjs/throttler on Redis (limits hold across API processes; fail open when Redis is
 * down). Import it in a feature module and put @RateLimit('…') on its routes; add a name
 * here for a new limit.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisClient],
      useFactory: (config: AppConfig, client: RedisClient) => ({
        storage: new RedisThrottlerStorage(new FixedWindowLimiter(client.redis, config.REDIS_PREFIX)),
        setHeaders: false,
        throttlers: [
          only('filings', config.RATE_LIMIT_FILINGS_PER_MINUTE),
          only('lookups', config.RATE_LIMIT_LOOKUPS_PER_MINUTE),
          only('open311-reads', config.RATE_LIMIT_OPEN311_READS_PER_MINUTE),
        ],
      }),
    }),
  ],
  providers: [RateLimitGuard],
  exports: [RateLimitGuard],
})
export class RateLimitModule {}
