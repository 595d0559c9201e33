import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig, Clock, rateLimitClientKey, withTimeout } from '@phananh/core';
import { FixedWindowLimiter, RedisClient } from '@phananh/redis';

/** How long a login waits for Redis before counting is given up. */
const LIMITER_TIMEOUT_MS = 2_000;
const WINDOW_MS = 60_000;
/** Failures are forgotten a day after the last one (real time). */
const FAILURE_MEMORY_MS = 24 * 3600_000;

/** One growing delay: `free` failures cost nothing, then 1 s, 2 s, 4 s… up to `capSeconds`. */
interface DelayRule {
  free: number;
  capSeconds: number;
}

/**
 * Per account AND client address: the guesser at one address slows down to one try every
 * 15 minutes, while the official at another address is not concerned.
 */
const PAIR: DelayRule = { free: 3, capSeconds: 900 };
/**
 * Per account from every address (a guesser with many addresses): a delay that grows too, but
 * stays SHORT, so that no attacker can hold an official out longer than that: the right
 * password after the wait signs in and clears every count.
 */
const ACCOUNT: DelayRule = { free: 10, capSeconds: 30 };
/** Per account, the codes of the second step (the password is known): the same growth, no split by address. */
const CODE: DelayRule = { free: 3, capSeconds: 900 };

/**
 * Checks every delay of the keys and, when none is running, counts the attempt as a failure on
 * each key at once (before the password is even checked, so that parallel guesses cannot slip
 * through between the check and the count): a success then clears the keys.
 * KEYS: the counters; ARGV: now (clock ms), unit (clock ms of "1 s"), memory (ms), then free
 * and cap (clock ms) per key. Returns the clock ms to wait (0: go ahead).
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local unit = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[2 + 2 * i])
  local cap = tonumber(ARGV[3 + 2 * i])
  local state = redis.call('HMGET', key, 'n', 'last')
  local n = tonumber(state[1] or '0')
  local last = tonumber(state[2] or '0')
  if n >= free then
    local d = math.min(unit * 2 ^ (n - free), cap)
    if last + d > now then wait = math.max(wait, last + d - now) end
  end
end
if wait > 0 then return math.ceil(wait) end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 'last', now)
  redis.call('PEXPIRE', key, ARGV[3])
end
return 0`;

type WithReserve = Redis & { loginReserve(...args: (string | number)[]): Promise<number> };

/**
 * Sign-in throttling, in Redis under `<REDIS_PREFIX>:login:…` and `…:rl:login:addr:…`:
 * - a growing delay per account and address (3 free failures, then 1 s doubling to 15 min);
 * - a growing delay per account from all addresses, capped at 30 s;
 * - a growing delay per account on second-step codes;
 * - a cap per client address (RATE_LIMIT_LOGINS_PER_MINUTE attempts a minute, whatever the
 *   usernames; IPv6 counted by its /64).
 * There is no hard lock an attacker could hold. Delays run on the service clock (tests move a
 * FakeClock); Retry-After is in real seconds. When Redis is down or slow it fails open, like the
 * intake limits: officials must keep working through a Redis outage, and argon2 still slows a guesser.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger(LoginLimiter.name);
  private readonly window: FixedWindowLimiter;
  private readonly redis: WithReserve;

  constructor(
    client: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.window = new FixedWindowLimiter(client.redis, config.REDIS_PREFIX, LIMITER_TIMEOUT_MS);
    if (!('loginReserve' in client.redis)) client.redis.defineCommand('loginReserve', { lua: RESERVE_SCRIPT });
    this.redis = client.redis as WithReserve;
  }

  private key(...parts: string[]): string {
    return [this.config.REDIS_PREFIX, 'login', ...parts].join(':');
  }

  private passwordKeys(username: string, clientAddress: string): string[] {
    const account = username.toLowerCase();
    return [this.key('fail', account, rateLimitClientKey(clientAddress)), this.key('fail', account)];
  }

  /** Counts a password attempt; the real seconds to wait when a delay or the address cap applies, else null. */
  async attempt(username: string, clientAddress: string): Promise<number | null> {
    const [address, delay] = await Promise.all([
      this.perAddress(clientAddress),
      this.reserve(this.passwordKeys(username, clientAddress), [PAIR, ACCOUNT]),
    ]);
    return this.longest(address, delay);
  }

  /** The right password: the account's failure counts start again. */
  async succeeded(username: string, clientAddress: string): Promise<void> {
    await this.forget(this.passwordKeys(username, clientAddress));
  }

  /** Counts a second-step code attempt of an account (by id). */
  async codeAttempt(userId: string, clientAddress: string): Promise<number | null> {
    const [address, delay] = await Promise.all([
      this.perAddress(clientAddress),
      this.reserve([this.key('code', userId)], [CODE]),
    ]);
    return this.longest(address, delay);
  }

  async codeSucceeded(userId: string): Promise<void> {
    await this.forget([this.key('code', userId)]);
  }

  private longest(...waits: (number | null)[]): number | null {
    const real = waits.filter((w): w is number => w !== null);
    return real.length ? Math.max(...real) : null;
  }

  private async perAddress(clientAddress: string): Promise<number | null> {
    const w = await this.window.hit(`rl:login:addr:${rateLimitClientKey(clientAddress)}`, { windowMs: WINDOW_MS });
    return w && w.count > this.config.RATE_LIMIT_LOGINS_PER_MINUTE ? Math.max(1, Math.ceil(w.resetMs / 1000)) : null;
  }

  private async reserve(keys: string[], rules: DelayRule[]): Promise<number | null> {
    const unit = 1000 * this.clock.speed;
    const args = rules.flatMap((r) => [r.free, r.capSeconds * unit]);
    try {
      const waitMs = await withTimeout(
        this.redis.loginReserve(keys.length, ...keys, this.clock.now().getTime(), unit, FAILURE_MEMORY_MS, ...args),
        LIMITER_TIMEOUT_MS,
      );
      return Number(waitMs) > 0 ? Math.max(1, Math.ceil(Number(waitMs) / unit)) : null;
    } catch (err) {
      this.logger.warn({ err: (err as Error)?.message }, 'login throttling unavailable, letting the attempt through');
      return null;
    }
  }

  private async forget(keys: string[]): Promise<void> {
    await withTimeout(this.redis.del(...keys), LIMITER_TIMEOUT_MS).catch(() => undefined);
  }
}
