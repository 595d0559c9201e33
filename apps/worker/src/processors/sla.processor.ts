import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, JobOutcome, JobPayloads } from '@phananh/queue';
import { CampaignCutoffService, MorningDigestService, SlaSweeper } from '@phananh/sla';

/** The SLA queue's handlers: dispatch only, the engine lives in libs/sla. */
@Injectable()
export class SlaProcessor {
  constructor(
    private readonly sweeper: SlaSweeper,
    private readonly cutoffs: CampaignCutoffService,
    private readonly digests: MorningDigestService,
  ) {}

  @JobHandler(JobName.SlaSweep)
  sweep(): Promise<JobOutcome> {
    return this.sweeper.sweep();
  }

  /** Counts only (`{ sent, failed }`): the job's record in Redis names nobody. */
  @JobHandler(JobName.MorningDigest)
  morningDigest(): Promise<JobOutcome> {
    return this.digests.run();
  }

  @JobHandler(JobName.CampaignCutoff)
  cutoff(data: JobPayloads[JobName.CampaignCutoff]): Promise<JobOutcome> {
    return this.cutoffs.onCutoffJob(data);
  }
}
