import { Module } from '@nestjs/common';
import { TicketStoreModule } from '@phananh/ticket-store';
import { TicketQueue } from './ticket-queue.service';
import { TicketViews } from './ticket-views';
import { TicketsService } from './tickets.service';

/** The officials' side of tickets: queue, single view and workflow. Needs IdentityModule (global) for reach. */
@Module({
  imports: [TicketStoreModule],
  providers: [TicketsService, TicketQueue, TicketViews],
  exports: [TicketsService, TicketQueue, TicketViews],
})
export class TicketsModule {}
