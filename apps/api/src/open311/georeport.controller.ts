import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors, langFrom } from '@phananh/core';
import {
  Open311Errors,
  Open311KeysService,
  Open311RequestsService,
  isServiceCode,
  serviceDefinition,
  serviceList,
} from '@phananh/open311';
import { ReferenceService } from '@phananh/reference';
import { mediaType } from '../http/media-type';
import { RateLimit } from '../http/rate-limit/rate-limit';
import { MetricsService } from '../ops/metrics.service';
import { GeoReportErrorFilter } from './georeport-errors';
import { FORMATS, Format, XmlShape, isFormat, sendGeoReport } from './georeport-format';

/** When this GeoReport endpoint last changed (discovery's `changeset`). */
export const GEOREPORT_CHANGESET = '2026-12-02T00:00:00Z';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const REQUESTS: XmlShape = { root: 'service_requests', item: 'request' };

function format(value: string): Format {
  if (!isFormat(value)) throw new AppError(Open311Errors.OPEN311_FORMAT_NOT_FOUND);
  return value;
}

const lang = (req: FastifyRequest) => langFrom(req.headers['accept-language']);

/**
 * Open311 GeoReport v2 (docs/api.md, "Open311"): the issue types as services, their fields as
 * attributes, reports filed by partner systems with an admin-issued api_key, and the public
 * fields of reports. Every answer is JSON or XML by the URL's extension; every error the
 * specification's list of `{ code, description }`. Documented in docs/api.md, not in the
 * OpenAPI document (whose `.{format}` paths would not say what the specification says).
 */
@ApiExcludeController()
@UseFilters(GeoReportErrorFilter)
@Controller('open311/v2')
export class GeoReportController {
  constructor(
    private readonly keys: Open311KeysService,
    private readonly requests: Open311RequestsService,
    @Inject(ReferenceService) private readonly reference: ReferenceService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('discovery')
  discoveryJson(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    this.discovery(req, reply, 'json');
  }

  @Get('discovery.:format')
  discoveryIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('format') f: string): void {
    this.discovery(req, reply, format(f));
  }

  @Get('services.:format')
  services(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('format') f: string): void {
    sendGeoReport(reply, format(f), 200, serviceList(lang(req)), { root: 'services', item: 'service' });
  }

  @Get('services/:serviceCode.:format')
  service(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('serviceCode') code: string,
    @Param('format') f: string,
  ): void {
    const fmt = format(f);
    if (!isServiceCode(code)) throw new AppError(Open311Errors.OPEN311_SERVICE_NOT_FOUND);
    sendGeoReport(reply, fmt, 200, serviceDefinition(code, lang(req), this.reference.vaccineList()), {
      root: 'service_definition',
    });
  }

  @Post('requests.:format')
  async file(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('format') f: string): Promise<void> {
    const fmt = format(f);
    if (mediaType(req) !== 'application/x-www-form-urlencoded') {
      throw new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE, {
        vi: 'Gửi yêu cầu dưới dạng application/x-www-form-urlencoded',
        en: 'Send the request as application/x-www-form-urlencoded',
      });
    }
    const params = (req.body ?? {}) as Record<string, unknown>;
    const key = await this.keys.authenticate(params.api_key);
    const { receipt, outcome } = await this.requests.file(params, key, lang(req));
    this.metrics.reportsFiled.inc({ outcome });
    sendGeoReport(reply, fmt, outcome === 'created' ? 201 : 200, [receipt], REQUESTS);
  }

  @Get('requests.:format')
  @RateLimit('open311-reads')
  async list(
    @Req() req: FastifyRequest<{ Querystring: Record<string, unknown> }>,
    @Res() reply: FastifyReply,
    @Param('format') f: string,
  ): Promise<void> {
    const fmt = format(f);
    sendGeoReport(reply, fmt, 200, await this.requests.list(req.query, lang(req)), REQUESTS);
  }

  @Get('requests/:id.:format')
  @RateLimit('open311-reads')
  async one(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('id') id: string,
    @Param('format') f: string,
  ): Promise<void> {
    const fmt = format(f);
    sendGeoReport(reply, fmt, 200, [await this.requests.get(id, lang(req))], REQUESTS);
  }

  @Get('tokens/:token.:format')
  @RateLimit('open311-reads')
  async token(@Res() reply: FastifyReply, @Param('token') token: string, @Param('format') f: string): Promise<void> {
    const fmt = format(f);
    sendGeoReport(reply, fmt, 200, [await this.requests.token(token)], REQUESTS);
  }

  private discovery(req: FastifyRequest, reply: FastifyReply, fmt: Format): void {
    // The Host header as the client sent it (a proxy's X-Forwarded-Host is not taken); the scheme after TRUST_PROXY.
    const url = `${req.protocol}://${req.headers.host}/open311/v2`;
    sendGeoReport(
      reply,
      fmt,
      200,
      {
        changeset: GEOREPORT_CHANGESET,
        contact: lang(req) === 'vi' ? 'Quản trị viên hệ thống phananh' : 'The phananh administrators',
        key_service: lang(req) === 'vi' ? 'Khóa api_key do quản trị viên cấp' : 'api_key issued by the administrators',
        endpoints: [
          {
            specification: SPECIFICATION,
            url,
            changeset: GEOREPORT_CHANGESET,
            type: 'production',
            formats: Object.values(FORMATS),
          },
        ],
      },
      { root: 'discovery' },
    );
  }
}
