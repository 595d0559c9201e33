import { INestApplication } from '@nestjs/common';
import { getStorageToken } from '@nestjs/throttler';

/** What ioredis answers at once when it has no connection and may not queue the command. */
export const REDIS_REFUSED = "Stream isn't writeable and enableOfflineQueue options is false";

/**
 * Every error the app's rate limiter fell open on, recorded as it happens (the limiter's own
 * warning is logged once in ten seconds, so the log cannot tell). What a request's limiter
 * failed on says whether it waited for the limiter's timeout, without timing the request.
 */
export function limiterFailures(app: INestApplication): string[] {
  const { limiter } = app.get(getStorageToken(), { strict: false }) as { limiter: { warn(err: unknown): void } };
  const failures: string[] = [];
  const warn = limiter.warn.bind(limiter);
  limiter.warn = (err) => {
    failures.push((err as Error).message);
    warn(err);
  };
  return failures;
}
