import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '@phananh/core';
import { JobRegistry, QueueName, recordJobLatency } from '@phananh/queue';
import { RedisClient, redisOptions } from '@phananh/redis';

/** How many jobs of each queue one process runs at once. Deliveries wait on the network; SLA work on PostgreSQL. */
const CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Sla]: 2,
  [QueueName.Alerts]: 10,
  [QueueName.Webhooks]: 10,
  [QueueName.Maintenance]: 1,
  [QueueName.Events]: 2,
  [QueueName.Messages]: 10,
};

/**
 * One BullMQ Worker per queue, each dispatching to the JobRegistry. Created by hand
 * rather than with @Processor so that the connection comes from the validated config
 * (workers need maxRetriesPerRequest: null). On shutdown, running jobs finish first.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly redis: RedisClient,
  ) {}

  onApplicationBootstrap(): void {
    const connection = redisOptions(this.config.REDIS_URL, 'worker');
    this.workers = Object.values(QueueName).map((queue) => {
      const worker = new Worker(queue, (job: Job) => this.registry.run(job.name, job.data), {
        connection,
        prefix: this.config.REDIS_PREFIX,
        concurrency: CONCURRENCY[queue],
        // A killed worker's job is taken over once its lock expires and a stalled-job check sees it.
        lockDuration: this.config.JOB_LOCK_MS,
        stalledInterval: this.config.JOB_LOCK_MS,
      });
      worker.on('failed', (job, err) =>
        this.logger.warn(
          { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
          'job failed',
        ),
      );
      worker.on('active', (job) => {
        recordJobLatency(this.redis.redis, this.config.REDIS_PREFIX, queue, job).catch(() => undefined);
      });
      worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
      return worker;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
