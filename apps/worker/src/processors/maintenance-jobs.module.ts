import { Module } from '@nestjs/common';
import { IdempotencyRetention } from '@phananh/reports';
import { MaintenanceProcessor } from './maintenance.processor';

/**
 * The cleanup job's handler. The retention service is provided here rather than through
 * ReportsModule, which would bring intake (routing, attachments) into a worker that files nothing.
 */
@Module({ providers: [IdempotencyRetention, MaintenanceProcessor] })
export class MaintenanceJobsModule {}
