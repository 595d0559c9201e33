import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { AuditAction, AuditLog } from '@phananh/audit';
import { AppError, CommonErrors, registerValidationMessages, validationError } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role, unitInReach } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { CampaignsService, SlaFigures, SlaSummary, SlaSummaryService, SummaryScope } from '@phananh/sla';
import { ClientAddress } from '../http/client-address';
import { SlaSummaryQueryDto, SlaSummaryView } from './sla.dto';

const SlaValidation = registerValidationMessages({
  campaignUnknown: { vi: 'Không có đợt rà soát này', en: 'No such campaign' },
});

const NOT_FOUND = 'No such unit, or outside your reach (indistinguishable)';

const CSV_COLUMNS = [
  'Mã đơn vị',
  'Đơn vị',
  'Tiếp nhận',
  'Đang mở',
  'Quá hạn',
  'Xử lý đúng hạn',
  'Xử lý trễ hạn',
  'Từ chối',
  'Tỷ lệ đúng hạn',
  'Nguy cơ không kịp hạn chót',
];

function csvRow(code: string, name: string, f: SlaFigures): (string | number)[] {
  return [
    code,
    name,
    f.received,
    f.open,
    f.overdue,
    f.resolvedOnTime,
    f.resolvedLate,
    f.rejected,
    f.onTimeRate ?? '',
    f.atRisk ? 'Có' : 'Không',
  ];
}

@ApiTags('sla')
@Controller('api/v1/sla')
@Auth()
export class SlaController {
  constructor(
    private readonly summaries: SlaSummaryService,
    private readonly campaigns: CampaignsService,
    private readonly reference: ReferenceService,
    private readonly audit: AuditLog,
  ) {}

  @Get('summary')
  @ApiOperation({ summary: 'SLA figures of a unit in your reach, one row per unit directly below it' })
  @ApiOkResponse({ type: SlaSummaryView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  summary(@CurrentUser() user: AuthUser, @Query() q: SlaSummaryQueryDto): Promise<SlaSummary> {
    return this.compute(user, q);
  }

  @Get('summary.csv')
  @ApiOperation({
    summary: 'The same figures as CSV (UTF-8 with BOM, Vietnamese headers, a last row of totals)',
    description: 'Each export is recorded in the audit log (who, the unit and campaign exported).',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv; charset=utf-8' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @Header('Cache-Control', 'no-store')
  async csv(
    @CurrentUser() user: AuthUser,
    @Query() q: SlaSummaryQueryDto,
    @Res() res: Response,
    @ClientAddress() clientAddress: string | null,
  ): Promise<void> {
    const s = await this.compute(user, q);
    await this.audit.record({
      action: AuditAction.Export,
      actor: user,
      // The scope exported (null: the whole country), not only what was asked.
      query: { export: 'sla-summary.csv', unitCode: s.unit?.code ?? null, campaign: s.campaign },
      clientAddress,
    });
    const records = [
      CSV_COLUMNS,
      ...s.rows.map((r) => csvRow(r.unit.code, r.unit.name, r)),
      csvRow(s.unit?.code ?? '', `Tổng cộng${s.unit ? ` — ${s.unit.name}` : ''}`, s.total),
    ];
    const name = `sla-${s.unit?.code ?? 'ca-nuoc'}${s.campaign ? `-${s.campaign}` : ''}.csv`.replace(/[^\w.-]/g, '_');
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${name}"`)
      .send(`\uFEFF${stringify(records, { record_delimiter: 'windows' })}`);
  }

  private async compute(user: AuthUser, q: SlaSummaryQueryDto): Promise<SlaSummary> {
    if (q.campaign && !(await this.campaigns.byCode(q.campaign))) {
      throw validationError([SlaValidation.fieldError('campaign', 'campaignUnknown')]);
    }
    const code = q.unitCode ?? user.unitCode;
    let scope: SummaryScope;
    if (!code) {
      if (user.role !== Role.Admin) throw new AppError(CommonErrors.NOT_FOUND);
      scope = { kind: 'country' };
    } else {
      const unit = this.reference.unit(code);
      if (!unit || !unitInReach(user, code, this.reference)) throw new AppError(CommonErrors.NOT_FOUND);
      scope = { kind: user.role === Role.Officer ? 'own' : 'subtree', unit };
    }
    return this.summaries.summary(scope, q.campaign);
  }
}
