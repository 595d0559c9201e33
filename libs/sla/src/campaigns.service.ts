import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { Campaign } from './campaign.entity';
import { DEFAULT_POLICY, DeadlinePolicy } from './deadlines';

/** How long a process trusts its cached campaign list; a campaign created elsewhere is seen within this. */
const CACHE_MS = 5_000;

/**
 * Campaigns, cached in memory: intake asks "which campaign does this instant belong to"
 * for every report, and the answer changes only when an admin creates a campaign.
 */
@Injectable()
export class CampaignsService {
  private cache: { at: number; list: Campaign[] } | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<Campaign[]> {
    const realNow = performance.now();
    if (!this.cache || realNow - this.cache.at > CACHE_MS) {
      this.cache = { at: realNow, list: await this.db.getRepository(Campaign).find({ order: { intakeFrom: 'ASC' } }) };
    }
    return this.cache.list;
  }

  invalidate(): void {
    this.cache = null;
  }

  async byCode(code: string): Promise<Campaign | undefined> {
    return (await this.list()).find((c) => c.code === code);
  }

  /** The campaign whose intake window holds `instant` (the latest-starting one if windows overlap). */
  async campaignAt(instant: Date): Promise<Campaign | undefined> {
    const t = instant.getTime();
    return (await this.list()).filter((c) => c.intakeFrom.getTime() <= t && t < c.intakeTo.getTime()).pop();
  }

  policyOf(campaign: Campaign | undefined | null): DeadlinePolicy {
    return campaign
      ? {
          handlingHours: campaign.handlingHours,
          dueSoonHours: campaign.dueSoonHours,
          escalateAfterHours: campaign.escalateAfterHours,
          cutoffAt: campaign.cutoffAt,
        }
      : DEFAULT_POLICY;
  }
}
