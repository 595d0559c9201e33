import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, JobOutcome, JobPayloads } from '@phananh/queue';
import { CampaignCutoffService, SlaSweeper } from '@phananh/sla';

/** The SLA queue's handlers: dispatch only, the engine lives in libs/sla. */
@Injectable()
export class SlaProcessor {
  constructor(
    private readonly sweeper: SlaSweeper,
    private readonly cutoffs: CampaignCutoffService,
  ) {}

  @JobHandler(JobName.SlaSweep)
  sweep(): Promise<JobOutcome> {
    return this.sweeper.sweep();
  }

  @JobHandler(JobName.CampaignCutoff)
  cutoff(data: JobPayloads[JobName.CampaignCutoff]): Promise<JobOutcome> {
    return this.cutoffs.onCutoffJob(data);
  }
}
