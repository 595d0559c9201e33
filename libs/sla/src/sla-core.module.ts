import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Campaign } from './campaign.entity';
import { CampaignsService } from './campaigns.service';

/**
 * Campaigns and deadline rules, needed by intake, the officials' workflow and the SLA engine alike.
 * Global, imported by each app's root module (the platform holds infrastructure only).
 */
@Global()
@Module({ imports: [TypeOrmModule.forFeature([Campaign])], providers: [CampaignsService], exports: [CampaignsService] })
export class SlaCoreModule {}
