import { Body, Controller, HttpCode, Post, Req, Res, UploadedFiles, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError, CommonErrors, langFrom } from '@phananh/core';
import {
  FileReportDto,
  IncomingFile,
  LookupReportDto,
  PublicReportDto,
  ReportLookupService,
  ReportReceiptDto,
  ReportsService,
  reportFromMultipart,
} from '@phananh/reports';
import { RateLimit } from '../http/rate-limit/rate-limit';
import { MetricsService } from '../ops/metrics.service';
import { ReportFilesInterceptor } from './report-files.interceptor';

@ApiTags('public')
@ApiExtraModels(FileReportDto)
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly lookups: ReportLookupService,
    private readonly metrics: MetricsService,
  ) {}

  @Post()
  @RateLimit('filings')
  @UseInterceptors(ReportFilesInterceptor)
  @ApiOperation({
    summary: 'File a report (no login)',
    description:
      'JSON, or multipart/form-data with the same JSON in the part `report` and up to 3 files (JPEG, PNG or PDF, ' +
      '5 MB each, judged from their content) in parts named `attachments`. Images are re-encoded without their ' +
      'metadata (EXIF, GPS, XMP) and every file is stored encrypted. The same citizen, issue and dose while an ' +
      'earlier report is open: 200 with the earlier report. With `Idempotency-Key`, a retry within 24 hours gets the ' +
      'first answer again. `consent.noticeVersion` is required: the version of GET /api/v1/reference/privacy-notice ' +
      'the citizen accepted (anything else: 400).',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(FileReportDto) },
        {
          type: 'object',
          required: ['report'],
          properties: {
            report: { type: 'string', description: 'The report as JSON (same schema as a JSON body)' },
            attachments: { type: 'array', maxItems: 3, items: { type: 'string', format: 'binary' } },
          },
        },
      ],
    },
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1–255 printable ASCII characters' })
  @ApiCreatedResponse({ type: ReportReceiptDto, description: 'A new report' })
  @ApiOkResponse({ type: ReportReceiptDto, description: 'An open report of the same citizen, issue and dose' })
  @ApiBadRequestResponse({ description: 'problem+json with `errors[]`, one per bad field (dotted path)' })
  @ApiPayloadTooLargeResponse({ description: 'A JSON body over 100 kB or a file over 5 MB' })
  @ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used with another body' })
  @ApiTooManyRequestsResponse({ description: 'Too many filings from this address; see Retry-After' })
  @ApiServiceUnavailableResponse({
    description: '`uploads-busy`: this process is receiving as many file bytes as it takes at once; see Retry-After',
  })
  async file(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @UploadedFiles() files: IncomingFile[] | undefined,
  ): Promise<ReportReceiptDto> {
    let body: unknown;
    if (req.is('multipart/form-data')) body = reportFromMultipart(req.body);
    else if (req.is(['application/json', 'application/*+json'])) body = req.body;
    else throw new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE);
    const key = req.headers['idempotency-key'];
    const result = await this.reports.file({
      body,
      files: files ?? [],
      idempotencyKey: Array.isArray(key) ? key.join(', ') : key,
    });
    this.metrics.reportsFiled.inc({ outcome: result.outcome });
    res.status(result.statusCode);
    return result.body;
  }

  @Post('lookup')
  @HttpCode(200)
  @RateLimit('lookups')
  @ApiOperation({
    summary: "A report's public status, by tracking code and identity number (no login)",
    description: 'A wrong pair is 404, exactly like an unknown code.',
  })
  @ApiOkResponse({ type: PublicReportDto })
  @ApiNotFoundResponse({ description: 'No report with this tracking code and identity number' })
  @ApiBadRequestResponse({ description: 'A malformed tracking code (its check symbol catches typos)' })
  @ApiTooManyRequestsResponse({ description: 'Too many lookups from this address; see Retry-After' })
  lookup(@Body() query: LookupReportDto, @Req() req: Request): Promise<PublicReportDto> {
    return this.lookups.lookup(query, langFrom(req.headers['accept-language']));
  }
}
