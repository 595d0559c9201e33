import { Type } from '@nestjs/common';
import { MaintenanceJobsModule } from './processors/maintenance-jobs.module';
import { RelayJobsModule } from './processors/relay-jobs.module';
import { SlaJobsModule } from './processors/sla-jobs.module';

/** The worker's feature modules (job handlers per domain). Each domain adds its module here. */
export const WORKER_FEATURES: Type[] = [SlaJobsModule, MaintenanceJobsModule, RelayJobsModule];
