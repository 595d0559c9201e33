import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import {
  AppError,
  FieldError,
  TtlCache,
  defineErrors,
  registerValidationMessages,
  validationError,
  validationMessage,
} from '@phananh/core';
import { CAMPAIGN_COLUMNS, Campaign } from './campaign';
import { DEFAULT_POLICY, DeadlinePolicy } from './deadlines';

export const CampaignErrors = defineErrors({
  CAMPAIGN_EXISTS: { status: 409, vi: 'Đã có đợt rà soát với mã này', en: 'A campaign with this code already exists' },
});

registerValidationMessages({
  INTAKE_WINDOW_ORDER: {
    vi: 'Thời điểm kết thúc tiếp nhận phải sau thời điểm bắt đầu',
    en: 'The intake must end after it starts',
  },
  CUTOFF_BEFORE_INTAKE_END: {
    vi: 'Hạn chót xử lý không được trước khi kết thúc tiếp nhận',
    en: 'The cutoff must not be before the end of intake',
  },
});

export type NewCampaign = Pick<
  Campaign,
  'code' | 'name' | 'intakeFrom' | 'intakeTo' | 'cutoffAt' | 'handlingHours' | 'createdAt'
>;

/** How long a process trusts its cached campaign list; a campaign created elsewhere is seen within this. */
const CACHE_MS = 5_000;

/**
 * Campaigns, cached in memory: intake asks "which campaign does this instant belong to"
 * for every report, and the answer changes only when an admin creates a campaign.
 */
@Injectable()
export class CampaignsService {
  private readonly cache = new TtlCache<Campaign[]>({
    ttlMs: CACHE_MS,
    load: () => this.db.query(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c ORDER BY c.intake_from`),
  });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adds a campaign: intakeFrom < intakeTo ≤ cutoffAt (also ck_campaigns_window); the code is unique. */
  async create(input: NewCampaign): Promise<Campaign> {
    const errors: FieldError[] = [];
    if (input.intakeFrom.getTime() >= input.intakeTo.getTime()) {
      errors.push({
        field: 'intakeTo',
        code: 'INTAKE_WINDOW_ORDER',
        message: validationMessage('INTAKE_WINDOW_ORDER'),
      });
    }
    if (input.cutoffAt.getTime() < input.intakeTo.getTime()) {
      errors.push({
        field: 'cutoffAt',
        code: 'CUTOFF_BEFORE_INTAKE_END',
        message: validationMessage('CUTOFF_BEFORE_INTAKE_END'),
      });
    }
    if (errors.length) throw validationError(errors);
    let created: Campaign;
    try {
      [created] = await this.db.query(
        `INSERT INTO campaigns AS c (code, name, intake_from, intake_to, cutoff_at, handling_hours, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${CAMPAIGN_COLUMNS}`,
        [
          input.code,
          input.name,
          input.intakeFrom,
          input.intakeTo,
          input.cutoffAt,
          input.handlingHours,
          input.createdAt,
        ],
      );
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') {
        throw new AppError(CampaignErrors.CAMPAIGN_EXISTS);
      }
      throw e;
    }
    this.invalidate();
    return created;
  }

  list(): Promise<Campaign[]> {
    return this.cache.get();
  }

  invalidate(): void {
    this.cache.invalidate();
  }

  async byCode(code: string): Promise<Campaign | undefined> {
    return (await this.list()).find((c) => c.code === code);
  }

  /** The campaign whose intake window holds `instant` (the latest-starting one if windows overlap). */
  async campaignAt(instant: Date): Promise<Campaign | undefined> {
    const t = instant.getTime();
    return (await this.list()).filter((c) => c.intakeFrom.getTime() <= t && t < c.intakeTo.getTime()).pop();
  }

  policyOf(campaign: Campaign | undefined | null): DeadlinePolicy {
    return campaign
      ? {
          handlingHours: campaign.handlingHours,
          dueSoonHours: campaign.dueSoonHours,
          escalateAfterHours: campaign.escalateAfterHours,
          cutoffAt: campaign.cutoffAt,
        }
      : DEFAULT_POLICY;
  }
}
