import { Module } from '@nestjs/common';
import { TicketStore } from './ticket-store';

/** The one writer of the tickets and ticket_events tables (see TicketStore). */
@Module({ providers: [TicketStore], exports: [TicketStore] })
export class TicketStoreModule {}
