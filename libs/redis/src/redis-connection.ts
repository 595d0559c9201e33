import type { RedisOptions } from 'bullmq';

/**
 * ioredis options from a redis:// URL, as BullMQ's production guide asks: workers
 * retry forever (maxRetriesPerRequest null); producers fail fast when Redis is down
 * instead of queueing commands in memory. Typed as BullMQ's RedisOptions, which ioredis
 * accepts too, because ioredis's own interface is not assignable to BullMQ's connection option.
 */
export function redisOptions(url: string, role: 'worker' | 'producer'): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times) => Math.min(times * 200, 5000),
  };
}
