import { Module } from '@nestjs/common';
import { SlaModule } from '@phananh/sla';
import { SlaController } from './sla.controller';

@Module({ imports: [SlaModule], controllers: [SlaController] })
export class SlaApiModule {}
