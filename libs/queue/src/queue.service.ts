import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads } from './job-catalogue';
import { QueueName } from './queue-names';

/** Defaults: completed jobs are kept a while for dedupe and inspection, failed ones kept. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: false,
};

/** How often a queue that keeps failing to reach Redis says so. */
const WARN_EVERY_MS = 10_000;

/** The one typed way to enqueue a job. */
@Injectable()
export class QueueService {
  private readonly logger = new Logger(QueueService.name);
  private readonly queues: Record<QueueName, Queue>;
  private readonly lastWarning = new Map<string, number>();

  constructor(
    @InjectQueue(QueueName.Sla) sla: Queue,
    @InjectQueue(QueueName.Alerts) alerts: Queue,
    @InjectQueue(QueueName.Webhooks) webhooks: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Events) events: Queue,
    @InjectQueue(QueueName.Messages) messages: Queue,
  ) {
    this.queues = {
      [QueueName.Sla]: sla,
      [QueueName.Alerts]: alerts,
      [QueueName.Webhooks]: webhooks,
      [QueueName.Maintenance]: maintenance,
      [QueueName.Events]: events,
      [QueueName.Messages]: messages,
    };
    // Without a listener BullMQ prints every reconnection failure as a raw stack trace on stderr.
    for (const queue of Object.values(this.queues)) queue.on('error', (err) => this.warn(queue.name, err));
  }

  private warn(queue: string, err: Error): void {
    const now = performance.now();
    if (now - (this.lastWarning.get(queue) ?? -Infinity) < WARN_EVERY_MS) return;
    this.lastWarning.set(queue, now);
    this.logger.warn({ queue, err: err.message }, 'queue error (Redis unreachable?); ioredis keeps reconnecting');
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  all(): Queue[] {
    return Object.values(this.queues);
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options: JobsOptions = {}): Promise<void> {
    await this.queues[JOB_QUEUE[name]].add(name, data, { ...DEFAULT_JOB_OPTIONS, ...options });
  }

  /** Many jobs of one name in one round trip (deterministic ids in `options.jobId` make repeats harmless). */
  async enqueueMany<N extends JobName>(
    name: N,
    jobs: { data: JobPayloads[N]; options?: JobsOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    await this.queues[JOB_QUEUE[name]].addBulk(
      jobs.map((job) => ({ name, data: job.data, opts: { ...DEFAULT_JOB_OPTIONS, ...job.options } })),
    );
  }

  /** Registers (or updates) a repeatable job; idempotent, so every worker can call it at boot. */
  async schedule<N extends JobName>(name: N, data: JobPayloads[N], everyMs: number): Promise<void> {
    await this.queues[JOB_QUEUE[name]].upsertJobScheduler(
      name,
      { every: everyMs },
      {
        name,
        data,
        opts: DEFAULT_JOB_OPTIONS,
      },
    );
  }
}
