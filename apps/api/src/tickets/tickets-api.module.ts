import { Module } from '@nestjs/common';
import { TicketsModule } from '@phananh/tickets';
import { RejectionReasonsController } from './rejection-reasons.controller';
import { TicketsController } from './tickets.controller';

@Module({ imports: [TicketsModule], controllers: [TicketsController, RejectionReasonsController] })
export class TicketsApiModule {}
