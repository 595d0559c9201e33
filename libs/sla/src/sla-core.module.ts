import { Global, Module } from '@nestjs/common';
import { CampaignsService } from './campaigns.service';

/** Campaigns and deadline rules, needed by intake, the officials' workflow and the SLA engine alike. */
@Global()
@Module({ providers: [CampaignsService], exports: [CampaignsService] })
export class SlaCoreModule {}
