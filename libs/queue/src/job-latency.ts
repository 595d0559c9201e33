import type { Redis } from 'ioredis';
import { QueueName } from './queue-names';

/** Upper bounds (seconds) of the job-latency histogram: from a sweep's few milliseconds to a stalled queue's minutes. */
export const JOB_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const latencyKey = (prefix: string, queue: string) => `${prefix}:metrics:job-latency:${queue}`;

/** What a job knows about when it was meant to run and when it started (BullMQ's Job fields). */
export interface JobTiming {
  timestamp: number;
  delay?: number;
  processedOn?: number;
  attemptsMade: number;
}

/**
 * Records how late a job started (start − (added + delay)) in a Redis hash shared by every
 * worker process, so that any API process can serve the histogram in /metrics: the worker
 * has no HTTP. Retries are left out (their lateness is the back-off, on purpose).
 */
export async function recordJobLatency(redis: Redis, prefix: string, queue: QueueName, job: JobTiming): Promise<void> {
  if (job.attemptsMade > 0 || !job.processedOn) return;
  const seconds = Math.max(0, job.processedOn - (job.timestamp + (job.delay ?? 0))) / 1000;
  const bucket = JOB_LATENCY_BUCKETS.find((le) => seconds <= le);
  await redis
    .multi()
    .hincrby(latencyKey(prefix, queue), `le:${bucket ?? '+Inf'}`, 1)
    .hincrby(latencyKey(prefix, queue), 'count', 1)
    .hincrbyfloat(latencyKey(prefix, queue), 'sum', seconds)
    .exec();
}

export interface LatencyHistogram {
  /** Cumulative counts per JOB_LATENCY_BUCKETS bound, then +Inf. */
  cumulative: number[];
  count: number;
  sum: number;
}

export async function readJobLatency(redis: Redis, prefix: string, queue: QueueName): Promise<LatencyHistogram> {
  const raw = await redis.hgetall(latencyKey(prefix, queue));
  let running = 0;
  const cumulative = [...JOB_LATENCY_BUCKETS.map(String), '+Inf'].map(
    (le) => (running += Number(raw[`le:${le}`] ?? 0)),
  );
  return { cumulative, count: Number(raw.count ?? 0), sum: Number(raw.sum ?? 0) };
}
