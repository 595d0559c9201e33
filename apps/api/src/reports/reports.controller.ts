import { Body, Controller, HttpCode, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
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
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors, langFrom } from '@phananh/core';
import {
  FileReportDto,
  FileReportResult,
  IncomingFile,
  LookupReportDto,
  PublicReportDto,
  ReportErrors,
  ReportLookupService,
  ReportReceiptDto,
  ReportWithdrawalService,
  ReportsService,
  reportFromMultipart,
} from '@phananh/reports';
import { RateLimit } from '../http/rate-limit/rate-limit';
import { MetricsService } from '../ops/metrics.service';
import { isJson, mediaType } from '../http/media-type';
import { ReportFilesInterceptor, SpooledFiles } from './report-files.interceptor';

@ApiTags('public')
@ApiExtraModels(FileReportDto)
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly lookups: ReportLookupService,
    private readonly withdrawals: ReportWithdrawalService,
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
      'metadata (EXIF, GPS, XMP) and every file is stored encrypted. The same identity number, issue, dose ' +
      'and phone while an earlier report is open: 200 with the earlier report. From another phone (or without one): ' +
      'a new report (201), as for anyone else. At most OPEN_REPORTS_PER_CITIZEN open reports per identity number ' +
      '(409 `too-many-open-reports` beyond). With `Idempotency-Key`, a retry within 24 hours gets the first answer again. ' +
      '`consent.noticeVersion` is required: the version of GET /api/v1/reference/privacy-notice the citizen accepted ' +
      '(anything else: 400).',
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
  @ApiOkResponse({
    type: ReportReceiptDto,
    description: 'An open report of the same identity number, issue, dose and phone',
  })
  @ApiBadRequestResponse({ description: 'problem+json with `errors[]`, one per bad field (dotted path)' })
  @ApiPayloadTooLargeResponse({ description: 'A JSON body over 100 kB or a file over 5 MB' })
  @ApiConflictResponse({
    description: '`too-many-open-reports`: this identity number has as many open reports as allowed',
  })
  @ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used with another body' })
  @ApiTooManyRequestsResponse({ description: 'Too many filings from this address; see Retry-After' })
  @ApiServiceUnavailableResponse({
    description: '`uploads-busy`: this process is receiving as many file bytes as it takes at once; see Retry-After',
  })
  async file(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @SpooledFiles() files: IncomingFile[],
  ): Promise<ReportReceiptDto> {
    let body: unknown;
    const type = mediaType(req);
    if (type === 'multipart/form-data') body = reportFromMultipart(req.body as Record<string, unknown>);
    else if (isJson(req)) body = req.body;
    else throw new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE);
    const key = req.headers['idempotency-key'];
    let result: FileReportResult;
    try {
      result = await this.reports.file({
        body,
        files,
        idempotencyKey: Array.isArray(key) ? key.join(', ') : key,
        lang: langFrom(req.headers['accept-language']),
      });
    } catch (err) {
      // A flood of one identity shows on the dashboards, without saying whose.
      if (err instanceof AppError && err.def === ReportErrors.TOO_MANY_OPEN_REPORTS) {
        this.metrics.reportsFiled.inc({ outcome: 'limit' });
      }
      throw err;
    }
    this.metrics.reportsFiled.inc({ outcome: result.outcome });
    void reply.code(result.statusCode);
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
  lookup(@Body() query: LookupReportDto, @Req() req: FastifyRequest): Promise<PublicReportDto> {
    return this.lookups.lookup(query, langFrom(req.headers['accept-language']));
  }

  @Post('withdraw')
  @HttpCode(200)
  @RateLimit('lookups')
  @ApiOperation({
    summary: 'Withdraw an open report, by tracking code and identity number (no login)',
    description:
      'The report ends as WITHDRAWN: its deadline and alerts stop, and its history (public timeline included) ' +
      'records the withdrawal. Matched like the lookup: a wrong pair is 404, exactly like an unknown code. ' +
      'Counted with the lookups for the rate limit.',
  })
  @ApiOkResponse({ type: PublicReportDto, description: 'The public view of the report, now WITHDRAWN' })
  @ApiNotFoundResponse({ description: 'No report with this tracking code and identity number' })
  @ApiConflictResponse({ description: '`report-closed`: the report is already closed (resolved, rejected, …)' })
  @ApiBadRequestResponse({ description: 'A malformed tracking code (its check symbol catches typos)' })
  @ApiTooManyRequestsResponse({ description: 'Too many lookups and withdrawals from this address; see Retry-After' })
  withdraw(@Body() query: LookupReportDto, @Req() req: FastifyRequest): Promise<PublicReportDto> {
    return this.withdrawals.withdraw(query, langFrom(req.headers['accept-language']));
  }
}
