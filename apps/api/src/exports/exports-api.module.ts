import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { SlaModule } from '@phananh/sla';
import { TicketsModule } from '@phananh/tickets';
import { ExportsController } from './exports.controller';

@Module({ imports: [SlaModule, TicketsModule, AuditModule], controllers: [ExportsController] })
export class ExportsApiModule {}
