import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { SlaModule } from '@phananh/sla';
import { SlaController } from './sla.controller';

@Module({ imports: [SlaModule, AuditModule], controllers: [SlaController] })
export class SlaApiModule {}
