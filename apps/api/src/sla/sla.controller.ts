import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { AuditAction, AuditLog } from '@phananh/audit';
import { AppError, Clock, CommonErrors, registerValidationMessages, validationError } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role, unitInReach } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import {
  Campaign,
  CampaignsService,
  RoadScope,
  RoadToCutoffService,
  SlaFigures,
  SlaSummary,
  SlaSummaryService,
  SummaryScope,
} from '@phananh/sla';
import { ClientAddress } from '../http/client-address';
import { AtRiskView, BurndownView, OnTimeByDayView, RoadQueryDto, SlaSummaryQueryDto, SlaSummaryView } from './sla.dto';
import { atRiskView, burndownView, onTimeView } from './road.views';

const SlaValidation = registerValidationMessages({
  campaignUnknown: { vi: 'Không có đợt rà soát này', en: 'No such campaign' },
  campaignNone: {
    vi: 'Chưa có đợt rà soát nào đang diễn ra: hãy chọn một đợt',
    en: 'No campaign is running: name one',
  },
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
    private readonly road: RoadToCutoffService,
    private readonly campaigns: CampaignsService,
    private readonly reference: ReferenceService,
    private readonly audit: AuditLog,
    @Inject(Clock) private readonly clock: Clock,
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
    @Res() reply: FastifyReply,
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
    reply
      .status(200)
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .send(`\uFEFF${stringify(records, { record_delimiter: 'windows' })}`);
  }

  @Get('burndown')
  @ApiOperation({
    summary: 'The road to the cutoff: open tickets of a unit and the units below it over the campaign, with the pace',
    description:
      'One point per step (whole hours, at most 240 from the campaign start to its cutoff) up to now; the pace of ' +
      'closures over the last 6 hours, the pace needed to finish by the cutoff and the projected finishing instant.',
  })
  @ApiOkResponse({ type: BurndownView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async burndown(@CurrentUser() user: AuthUser, @Query() q: RoadQueryDto): Promise<BurndownView> {
    const { scope, campaign, unit } = await this.roadScope(user, q);
    const { burndown } = await this.road.burndown(scope, campaign);
    return burndownView(unit, burndown);
  }

  @Get('on-time-by-day')
  @ApiOperation({
    summary: 'The on-time rate of a unit and the units below it, by the local day the tickets were resolved',
  })
  @ApiOkResponse({ type: OnTimeByDayView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async onTimeByDay(@CurrentUser() user: AuthUser, @Query() q: RoadQueryDto): Promise<OnTimeByDayView> {
    const { scope, campaign, unit } = await this.roadScope(user, q);
    const { onTime } = await this.road.burndown(scope, campaign);
    return onTimeView(unit, campaign, onTime);
  }

  @Get('at-risk')
  @ApiOperation({
    summary: 'The units directly below a unit (and its own tickets) projected to miss the cutoff at their pace',
  })
  @ApiOkResponse({ type: AtRiskView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async atRisk(@CurrentUser() user: AuthUser, @Query() q: RoadQueryDto): Promise<AtRiskView> {
    const { scope, campaign, unit } = await this.roadScope(user, q);
    return atRiskView(unit, campaign, await this.road.atRisk(scope, campaign));
  }

  /** The same reach as the figures; the campaign named, else the one running now, else the latest started. */
  private async roadScope(
    user: AuthUser,
    q: RoadQueryDto,
  ): Promise<{ scope: RoadScope; campaign: Campaign; unit: ReturnType<ReferenceService['unitRef']> | null }> {
    const { scope } = this.scopeOf(user, q.unitCode);
    let campaign: Campaign | undefined;
    if (q.campaign) {
      campaign = await this.campaigns.byCode(q.campaign);
      if (!campaign) throw validationError([SlaValidation.fieldError('campaign', 'campaignUnknown')]);
    } else {
      campaign = await this.currentCampaign();
      if (!campaign) throw validationError([SlaValidation.fieldError('campaign', 'campaignNone')]);
    }
    return { scope, campaign, unit: scope.kind === 'country' ? null : this.reference.unitRef(scope.unit.code) };
  }

  private async currentCampaign(): Promise<Campaign | undefined> {
    const now = this.clock.now().getTime();
    const started = (await this.campaigns.list()).filter((c) => c.intakeFrom.getTime() <= now);
    const running = started.filter((c) => now < c.cutoffAt.getTime());
    return (running.length ? running : started).at(-1);
  }

  private scopeOf(user: AuthUser, unitCode: string | undefined): { scope: SummaryScope & RoadScope } {
    const code = unitCode ?? user.unitCode;
    if (!code) {
      if (user.role !== Role.Admin) throw new AppError(CommonErrors.NOT_FOUND);
      return { scope: { kind: 'country' } };
    }
    const unit = this.reference.unit(code);
    if (!unit || !unitInReach(user, code, this.reference)) throw new AppError(CommonErrors.NOT_FOUND);
    return { scope: { kind: user.role === Role.Officer ? 'own' : 'subtree', unit } };
  }

  private async compute(user: AuthUser, q: SlaSummaryQueryDto): Promise<SlaSummary> {
    if (q.campaign && !(await this.campaigns.byCode(q.campaign))) {
      throw validationError([SlaValidation.fieldError('campaign', 'campaignUnknown')]);
    }
    const { scope } = this.scopeOf(user, q.unitCode);
    return this.summaries.summary(scope, q.campaign);
  }
}
