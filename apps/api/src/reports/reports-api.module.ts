import { Module } from '@nestjs/common';
import { ReportsModule } from '@phananh/reports';
import { RateLimitModule } from '../http/rate-limit/rate-limit';
import { ReportsController } from './reports.controller';

@Module({ imports: [ReportsModule, RateLimitModule], controllers: [ReportsController] })
export class ReportsApiModule {}
