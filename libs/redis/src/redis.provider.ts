import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import IORedis, { Redis } from 'ioredis';
import { AppConfig } from '@phananh/core';
import { redisOptions } from './redis-connection';

/** The app's own Redis connection (health checks, rate limits), separate from BullMQ's. */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.redis = new IORedis({ ...redisOptions(config.REDIS_URL, 'producer'), lazyConnect: false });
    this.redis.on('error', () => undefined); // reported by /health/ready; ioredis reconnects by itself
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
