import { Module } from '@nestjs/common';
import { RoutingModule } from '@phananh/routing';
import { TicketStoreModule } from '@phananh/ticket-store';
import { AttachmentsModule } from './attachments/attachments.module';
import { ReportLookupService } from './report-lookup.service';
import { ReportRepository } from './report.repository';
import { ReportWithdrawalService } from './report-withdrawal.service';
import { ReportsService } from './reports.service';

/** Citizen intake, the public lookup and withdrawal. */
@Module({
  imports: [RoutingModule, AttachmentsModule, TicketStoreModule],
  providers: [ReportRepository, ReportsService, ReportLookupService, ReportWithdrawalService],
  exports: [ReportsService, ReportLookupService, ReportWithdrawalService, AttachmentsModule],
})
export class ReportsModule {}
