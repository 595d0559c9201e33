import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppConfig } from '@phananh/core';
import { JOB_LATENCY_BUCKETS, QueueName, QueueService, readJobLatency } from '@phananh/queue';
import { RedisClient } from '@phananh/redis';
import { MetricsService } from '../ops/metrics.service';

const STATES = ['waiting', 'delayed', 'active', 'failed', 'prioritized'] as const;

/**
 * Queue depth and job latency in /metrics, read from Redis at scrape time: the counts from
 * BullMQ, the latency histogram from the hash every worker process writes (the worker has
 * no HTTP of its own, and any API process can serve the whole cluster's figures). Each is the
 * same in every API process, so the cluster's /metrics takes it once (`aggregator: 'first'`),
 * never summed over the processes.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: QueueService,
    private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const queues = this.queues;
    new Gauge({
      name: 'phananh_queue_jobs',
      help: 'Jobs per queue and state (BullMQ), read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.metrics.registry],
      aggregator: 'first',
      async collect() {
        this.reset();
        await Promise.all(
          queues.all().map(async (queue) => {
            const counts = await queue.getJobCounts(...STATES).catch(() => null);
            if (!counts) return;
            for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    const name = 'phananh_job_start_delay_seconds';
    const help = "Time from a job's scheduled time (added + delay) to its start, first attempts, all workers";
    this.metrics.registry.registerMetric({
      name,
      help,
      type: 'histogram',
      aggregator: 'first',
      get: async () => ({ name, help, type: 'histogram', aggregator: 'first', values: await this.latencyValues(name) }),
      reset: () => undefined,
    } as never);
  }

  private async latencyValues(name: string) {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const queue of Object.values(QueueName)) {
      const h = await readJobLatency(this.redis.redis, this.config.REDIS_PREFIX, queue).catch(() => null);
      if (!h) continue;
      [...JOB_LATENCY_BUCKETS.map(String), '+Inf'].forEach((le, i) =>
        values.push({ metricName: `${name}_bucket`, labels: { queue, le }, value: h.cumulative[i] }),
      );
      values.push({ metricName: `${name}_sum`, labels: { queue }, value: h.sum });
      values.push({ metricName: `${name}_count`, labels: { queue }, value: h.count });
    }
    return values;
  }
}
