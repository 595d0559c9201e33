import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { AttachmentsModule } from '@phananh/reports';
import { TicketsModule } from '@phananh/tickets';
import { AssignmentLink } from './assignment-link';
import { AssignmentController } from './assignment.controller';
import { RejectionReasonsController } from './rejection-reasons.controller';
import { ReplyTemplatesController } from './reply-templates.controller';
import { TicketsController } from './tickets.controller';

@Module({
  imports: [TicketsModule, AttachmentsModule, AuditModule],
  controllers: [TicketsController, AssignmentController, RejectionReasonsController, ReplyTemplatesController],
  providers: [AssignmentLink],
})
export class TicketsApiModule {}
