import { Module } from '@nestjs/common';
import { TicketStoreModule } from '@phananh/ticket-store';
import { TicketAssignments } from './ticket-assignment';
import { TicketQueue } from './ticket-queue.service';
import { TicketViews } from './ticket-views';
import { TicketsService } from './tickets.service';

/** The officials' side of tickets: queue, single view, workflow and personal assignment. Needs IdentityModule (global) for reach. */
@Module({
  imports: [TicketStoreModule],
  providers: [TicketsService, TicketQueue, TicketViews, TicketAssignments],
  exports: [TicketsService, TicketQueue, TicketViews, TicketAssignments],
})
export class TicketsModule {}
