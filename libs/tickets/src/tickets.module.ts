import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TicketEvent } from './ticket-event.entity';
import { Ticket } from './ticket.entity';
import { TicketQueue } from './ticket-queue.service';
import { TicketViews } from './ticket-views';
import { TicketsService } from './tickets.service';

/** The officials' side of tickets: queue, single view and workflow. Needs IdentityModule (global) for reach. */
@Module({
  imports: [TypeOrmModule.forFeature([Ticket, TicketEvent])],
  providers: [TicketsService, TicketQueue, TicketViews],
  exports: [TicketsService, TicketQueue, TicketViews],
})
export class TicketsModule {}
