import { Logger } from '@nestjs/common';
import type { AppConfig } from '@phananh/core';
import type { RedisClient } from '@phananh/queue';
import { LoginLimiter } from './login-limiter';

/** A RedisClient whose limiter command answers per key as `answer` says. */
function limiterOn(answer: (key: string) => Promise<[number, number]>) {
  const keys: string[] = [];
  const redis = {
    defineCommand(name: string) {
      (redis as Record<string, unknown>)[name] = (key: string) => {
        keys.push(key);
        return answer(key);
      };
    },
  };
  const config = { REDIS_PREFIX: 'pfx', RATE_LIMIT_LOGINS_PER_MINUTE: 5 } as AppConfig;
  return { limiter: new LoginLimiter({ redis } as unknown as RedisClient, config), keys };
}

describe('LoginLimiter', () => {
  afterEach(() => jest.restoreAllMocks());

  it('counts per username (any case) and per address, under the prefix', async () => {
    const { limiter, keys } = limiterOn(async () => [1, 60_000]);
    expect(await limiter.attempt('Nguyen.An', '203.0.113.9')).toBeNull();
    expect(keys.sort()).toEqual(['pfx:rl:login:addr:203.0.113.9', 'pfx:rl:login:user:nguyen.an']);
  });

  it('answers the seconds until the later of the exceeded windows resets', async () => {
    const { limiter } = limiterOn(async (key) => (key.includes(':user:') ? [6, 12_400] : [9, 30_001]));
    expect(await limiter.attempt('an', '203.0.113.9')).toBe(31);
  });

  it('lets the attempt through when Redis cannot count it', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { limiter } = limiterOn(() => Promise.reject(new Error('Connection is closed.')));
    expect(await limiter.attempt('an', '203.0.113.9')).toBeNull();
  });
});
