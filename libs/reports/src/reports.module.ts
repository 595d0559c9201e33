import { Module } from '@nestjs/common';
import { RoutingModule } from '@phananh/routing';
import { TicketStoreModule } from '@phananh/ticket-store';
import { AttachmentsModule } from './attachments/attachments.module';
import { ReportLookupService } from './report-lookup.service';
import { ReportRepository } from './report.repository';
import { ReportsService } from './reports.service';

/** Citizen intake and the public lookup. */
@Module({
  imports: [RoutingModule, AttachmentsModule, TicketStoreModule],
  providers: [ReportRepository, ReportsService, ReportLookupService],
  exports: [ReportsService, ReportLookupService, AttachmentsModule],
})
export class ReportsModule {}
