import { Module } from '@nestjs/common';
import { ReportsModule } from '@phananh/reports';
import { RateLimitModule } from '../http/rate-limit/rate-limit';
import { PrivacyNoticeController } from './privacy-notice.controller';
import { ReportsController } from './reports.controller';
import { UploadSpool } from './upload-spool';

@Module({
  imports: [ReportsModule, RateLimitModule],
  controllers: [ReportsController, PrivacyNoticeController],
  providers: [UploadSpool],
})
export class ReportsApiModule {}
