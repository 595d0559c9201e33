import { Module } from '@nestjs/common';
import { SlaModule } from '@phananh/sla';
import { AlertsProcessor } from './alerts.processor';
import { SlaProcessor } from './sla.processor';

/** The SLA engine's and the alert channels' job handlers. Exports the engine for the worker's schedules. */
@Module({
  imports: [SlaModule],
  providers: [SlaProcessor, AlertsProcessor],
  exports: [SlaModule],
})
export class SlaJobsModule {}
