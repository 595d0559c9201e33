/** What withTimeout rejects with when the promise has not settled in time. */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/**
 * The promise's outcome, or a TimeoutError after `ms` real milliseconds. The promise itself
 * is not cancelled: callers use this where waiting longer is worse than giving up (health
 * checks, fail-open limiters). The timer never keeps the process alive and is cleared at once.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
