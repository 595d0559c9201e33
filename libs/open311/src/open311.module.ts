import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { ReportsModule } from '@phananh/reports';
import { Open311KeysService } from './api-keys.service';
import { Open311RequestsService } from './open311-requests.service';

/** Open311 GeoReport v2: api keys, and service requests over the citizens' intake. */
@Module({
  imports: [ReportsModule, AuditModule],
  providers: [Open311KeysService, Open311RequestsService],
  exports: [Open311KeysService, Open311RequestsService],
})
export class Open311Module {}
