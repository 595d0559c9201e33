import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig, HOUR_MS } from '@phananh/core';
import { JobName, QueueService } from '@phananh/queue';

/** How often the worker re-asserts its repeatable jobs, so that a flushed Redis gets them back. */
export const SCHEDULE_REPAIR_MS = 30_000;

/**
 * Registers the repeatable jobs when a worker starts, and again every 30 s: upsert is
 * idempotent, so any number of workers can do it, and a FLUSHALL heals itself.
 */
@Injectable()
export class SchedulesService implements OnApplicationBootstrap {
  constructor(
    private readonly queues: QueueService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
  }

  @Interval(SCHEDULE_REPAIR_MS)
  async register(): Promise<void> {
    await this.queues.schedule(JobName.Cleanup, {}, HOUR_MS).catch(() => undefined);
  }
}
