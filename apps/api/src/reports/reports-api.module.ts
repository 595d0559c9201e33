import { Module } from '@nestjs/common';
import { ReportsModule } from '@phananh/reports';
import { RateLimitModule } from '../http/rate-limit/rate-limit';
import { PrivacyNoticeController } from './privacy-notice.controller';
import { ReportsController } from './reports.controller';

@Module({ imports: [ReportsModule, RateLimitModule], controllers: [ReportsController, PrivacyNoticeController] })
export class ReportsApiModule {}
