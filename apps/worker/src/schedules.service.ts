import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig, Clock, HOUR_MS } from '@phananh/core';
import { JOB_QUEUE, JobName, QueueService } from '@phananh/queue';
import { CampaignCutoffService, digestIntervalMs } from '@phananh/sla';

/** How often the worker re-asserts its repeatable jobs, so that a flushed Redis gets them back. */
export const SCHEDULE_REPAIR_MS = 30_000;
/** How often PENDING e-mails, webhook deliveries and relay sinks' deliveries are re-enqueued from PostgreSQL (real time). */
export const DELIVERY_REPAIR_MS = 10_000;

/**
 * Real milliseconds between SLA sweeps: SLA_SWEEP_INTERVAL_MS, shortened on an accelerated
 * clock so that a sweep runs at least every 6 simulated minutes (never more often than every
 * 50 ms): at CLOCK_SPEED=3600 every 100 ms, which keeps alerts well within a simulated hour.
 */
export function sweepIntervalMs(configuredMs: number, speed: number): number {
  return Math.max(50, Math.min(configuredMs, Math.floor(360_000 / speed)));
}

/**
 * Real milliseconds between runs of the retention job: RETENTION_SWEEP_INTERVAL_MS, shortened
 * on an accelerated clock so that it runs at least once a simulated day (never more often
 * than every 100 ms): erasure is due by the day, so a replay erases on the day it should.
 */
export function retentionIntervalMs(configuredMs: number, speed: number): number {
  return Math.max(100, Math.min(configuredMs, Math.floor((24 * HOUR_MS) / speed)));
}

/**
 * Registers the repeatable jobs when a worker starts, and again every 30 s: upsert is
 * idempotent, so any number of workers can do it, and a FLUSHALL heals itself. The SLA
 * sweep's own schedulers are also watched every couple of sweep intervals, so a lost
 * scheduler costs a few sweeps rather than 30 s (at CLOCK_SPEED=3600, half a simulated day).
 */
@Injectable()
export class SchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulesService.name);
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly queues: QueueService,
    private readonly cutoffs: CampaignCutoffService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private get sweepEvery(): number {
    return sweepIntervalMs(this.config.SLA_SWEEP_INTERVAL_MS, this.clock.speed);
  }

  /** Real time, whatever the clock's speed: messages and webhooks are sent in real time. */
  private get relayEvery(): number {
    return this.config.RELAY_INTERVAL_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    const every = Math.max(2 * this.sweepEvery, 100);
    this.watchdog = setInterval(() => void this.ensureSlaSchedulers(), every);
  }

  onApplicationShutdown(): void {
    clearInterval(this.watchdog);
  }

  @Interval(SCHEDULE_REPAIR_MS)
  async register(): Promise<void> {
    await this.queues.schedule(JobName.Cleanup, {}, HOUR_MS).catch(() => undefined);
    await this.queues
      .schedule(
        JobName.PiiRetention,
        {},
        retentionIntervalMs(this.config.RETENTION_SWEEP_INTERVAL_MS, this.clock.speed),
      )
      .catch(() => undefined);
    await this.queues.schedule(JobName.SlaSweep, {}, this.sweepEvery).catch(() => undefined);
    await this.queues.schedule(JobName.DeliveryRepair, {}, DELIVERY_REPAIR_MS).catch(() => undefined);
    await this.queues.schedule(JobName.TicketEventRelay, {}, this.relayEvery).catch(() => undefined);
    await this.queues.schedule(JobName.RelayRedeliver, {}, DELIVERY_REPAIR_MS).catch(() => undefined);
    await this.queues.schedule(JobName.MorningDigest, {}, digestIntervalMs(this.clock.speed)).catch(() => undefined);
    await this.cutoffs
      .scheduleAll()
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'could not schedule campaign cutoffs'));
  }

  private async ensureSlaSchedulers(): Promise<void> {
    const wanted: [JobName, number][] = [
      [JobName.SlaSweep, this.sweepEvery],
      [JobName.DeliveryRepair, DELIVERY_REPAIR_MS],
      [JobName.TicketEventRelay, this.relayEvery],
      [JobName.RelayRedeliver, DELIVERY_REPAIR_MS],
    ];
    try {
      for (const [name, every] of wanted) {
        if (await this.queues.queue(JOB_QUEUE[name]).getJobScheduler(name)) continue;
        this.logger.warn({ job: name }, 'job scheduler missing (Redis flushed?); registering it again');
        await this.queues.schedule(name, {}, every);
        if (name === JobName.SlaSweep) await this.cutoffs.scheduleAll();
      }
    } catch {
      // Redis unreachable: the next tick tries again.
    }
  }
}
