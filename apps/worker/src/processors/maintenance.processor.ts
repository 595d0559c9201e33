import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, JobOutcome } from '@phananh/queue';
import { IdempotencyRetention } from '@phananh/reports';

/** The maintenance queue's handler: dispatch only, what is kept and for how long lives in the libs. */
@Injectable()
export class MaintenanceProcessor {
  constructor(private readonly idempotency: IdempotencyRetention) {}

  @JobHandler(JobName.Cleanup)
  async cleanup(): Promise<JobOutcome> {
    return { idempotencyKeysRemoved: await this.idempotency.removeExpired() };
  }
}
