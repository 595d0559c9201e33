import { Global, Module } from '@nestjs/common';
import { CampaignsService } from './campaigns.service';

/**
 * Campaigns and deadline rules, needed by intake, the officials' workflow and the SLA engine alike.
 * Global, imported by each app's root module (the platform holds infrastructure only).
 */
@Global()
@Module({ providers: [CampaignsService], exports: [CampaignsService] })
export class SlaCoreModule {}
