import { Module } from '@nestjs/common';
import { AttachmentsModule, IdempotencyRetention, PiiRetention } from '@phananh/reports';
import { TicketStoreModule } from '@phananh/ticket-store';
import { MaintenanceProcessor } from './maintenance.processor';

/**
 * The cleanup and retention jobs' handler. The retention services are provided here rather
 * than through ReportsModule, which would bring intake (routing) into a worker that files
 * nothing; the retention of personal data needs only the ticket store and the file store.
 */
@Module({
  imports: [TicketStoreModule, AttachmentsModule],
  providers: [IdempotencyRetention, PiiRetention, MaintenanceProcessor],
})
export class MaintenanceJobsModule {}
