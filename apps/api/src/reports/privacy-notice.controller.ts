import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@phananh/core';
import { PRIVACY_NOTICE_VERSION, PrivacyNotice, privacyNotice } from '@phananh/reports';

class PrivacyNoticeTextView {
  @ApiProperty() title: string;
  @ApiProperty({
    type: [String],
    description: 'Purpose, who sees the data, when it is erased, the rights under Decree 13/2023/ND-CP',
  })
  items: string[];
  @ApiProperty({ description: 'What the citizen agrees to by ticking the box' }) accept: string;
}

class PrivacyNoticeView {
  @ApiProperty({ example: PRIVACY_NOTICE_VERSION, description: 'Send it back as `consent.noticeVersion` when filing' })
  version: string;
  @ApiProperty({ example: 180, description: "Days the personal data is kept after the campaign's cutoff" })
  retentionDays: number;
  @ApiProperty({ type: PrivacyNoticeTextView }) vi: PrivacyNoticeTextView;
  @ApiProperty({ type: PrivacyNoticeTextView }) en: PrivacyNoticeTextView;
}

/**
 * The privacy notice the report form shows, in both languages, with the version a filing must
 * name. A constant held in memory (no database, nothing personal), like the other reference
 * lists; the number of days comes from RETENTION_DAYS.
 */
@ApiTags('reference')
@Controller('api/v1/reference')
export class PrivacyNoticeController {
  private readonly notice: PrivacyNotice;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.notice = privacyNotice(config.RETENTION_DAYS);
  }

  @Get('privacy-notice')
  @ApiOperation({
    summary: 'The privacy notice of the report form, and its version (no login)',
    description:
      'What the personal data of a report is for, who sees it, when it is erased and the rights of the citizen. ' +
      'A filing must carry `consent: { noticeVersion: <version> }`.',
  })
  @ApiOkResponse({ type: PrivacyNoticeView })
  get(): PrivacyNoticeView {
    return this.notice;
  }
}
