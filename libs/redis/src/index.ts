export * from './redis-connection';
export * from './redis.provider';
export * from './rate-limiter';
