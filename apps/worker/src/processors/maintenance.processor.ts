import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, JobOutcome } from '@phananh/queue';
import { IdempotencyRetention, PiiRetention } from '@phananh/reports';

/** The maintenance queue's handlers: dispatch only, what is kept and for how long lives in the libs. */
@Injectable()
export class MaintenanceProcessor {
  constructor(
    private readonly idempotency: IdempotencyRetention,
    private readonly personalData: PiiRetention,
  ) {}

  @JobHandler(JobName.Cleanup)
  async cleanup(): Promise<JobOutcome> {
    return { idempotencyKeysRemoved: await this.idempotency.removeExpired() };
  }

  /** Counts only (`{ tickets, files, filesFailed }`): the job's record in Redis names nobody. */
  @JobHandler(JobName.PiiRetention)
  piiRetention(): Promise<JobOutcome> {
    return this.personalData.run();
  }
}
