import { Module } from '@nestjs/common';
import { TicketStoreModule } from '@phananh/ticket-store';
import { BulkActions } from './bulk-actions';
import { ReplyTemplates } from './reply-templates';
import { TicketAssignments } from './ticket-assignment';
import { TicketQueue } from './ticket-queue.service';
import { TicketViews } from './ticket-views';
import { TicketsService } from './tickets.service';

/**
 * The officials' side of tickets: queue, single view, workflow, bulk actions, reply templates
 * and personal assignment. Needs IdentityModule (global) for reach.
 */
@Module({
  imports: [TicketStoreModule],
  providers: [TicketsService, TicketQueue, TicketViews, BulkActions, ReplyTemplates, TicketAssignments],
  exports: [TicketsService, TicketQueue, TicketViews, BulkActions, ReplyTemplates, TicketAssignments],
})
export class TicketsModule {}
