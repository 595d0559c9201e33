import { Injectable, Logger } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetrics, inCluster, shareMetrics } from '@phananh/platform';

/**
 * The Prometheus registry: process metrics, the HTTP histogram, and whatever other modules add.
 * In a cluster (API_PROCESSES > 1) this process's registry is one part of the cluster's: counters
 * and histograms are summed over the processes; a metric read from Redis at scrape time is the
 * same in every process and must be registered with `aggregator: 'first'`.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly reportsFiled = new Counter({
    name: 'phananh_reports_filed_total',
    help: 'Filings by outcome: accepted (created, duplicate, replayed) or refused at the per-identity limit (limit)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    shareMetrics(this.registry);
  }

  /**
   * What `/metrics` serves: in a cluster, every process's metrics merged by the primary; this
   * process's own, with a log line, when the primary does not answer in time. Alone: its own.
   */
  async text(): Promise<string> {
    if (!inCluster()) return this.registry.metrics();
    try {
      return await clusterMetrics();
    } catch (err) {
      this.logger.warn(`cluster metrics unavailable (${(err as Error).message}): serving this process's only`);
      return this.registry.metrics();
    }
  }
}
