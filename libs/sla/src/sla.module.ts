import { Module } from '@nestjs/common';
import { AlertsModule } from '@phananh/alerts';
import { TicketStoreModule } from '@phananh/ticket-store';
import { CampaignCutoffService } from './campaign-cutoff.service';
import { MorningDigestService } from './morning-digest.service';
import { RoadToCutoffService } from './road-to-cutoff.service';
import { SlaSummaryService } from './sla-summary.service';
import { SlaSweeper } from './sla-sweeper.service';

/** The SLA engine (sweep, cutoff) and its figures. Campaigns and deadline rules are in the global SlaCoreModule. */
@Module({
  imports: [AlertsModule, TicketStoreModule],
  providers: [SlaSweeper, CampaignCutoffService, SlaSummaryService, RoadToCutoffService, MorningDigestService],
  exports: [
    SlaSweeper,
    CampaignCutoffService,
    SlaSummaryService,
    RoadToCutoffService,
    MorningDigestService,
    AlertsModule,
  ],
})
export class SlaModule {}
