import { Module } from '@nestjs/common';
import { ReportsModule } from '@phananh/reports';
import { RateLimitModule } from '../http/rate-limit/rate-limit';
import { ReportsController } from './reports.controller';
import { UploadSpool } from './upload-spool';

@Module({ imports: [ReportsModule, RateLimitModule], controllers: [ReportsController], providers: [UploadSpool] })
export class ReportsApiModule {}
