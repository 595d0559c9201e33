import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class SlaSummaryQueryDto {
  @ApiPropertyOptional({
    description: 'A unit in your reach (default: your own unit; admins: the whole country)',
    example: '001',
  })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({ description: 'Only tickets of this campaign', example: '2021-11' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  campaign?: string;
}

export class SummaryUnitView {
  @ApiProperty({ example: '001' }) code: string;
  @ApiProperty({ example: 'Trung tâm Y tế Quận Ba Đình' }) name: string;
  @ApiProperty({ enum: ['province', 'district', 'ward'] }) level: string;
}

export class SlaFiguresView {
  @ApiProperty({ description: 'Tickets received' }) received: number;
  @ApiProperty({ description: 'Still open' }) open: number;
  @ApiProperty({ description: 'Open and past their deadline' }) overdue: number;
  @ApiProperty({ description: 'Resolved by their deadline' }) resolvedOnTime: number;
  @ApiProperty({ description: 'Resolved after their deadline' }) resolvedLate: number;
  @ApiProperty() rejected: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'resolvedOnTime / (resolvedOnTime + resolvedLate), 0–1; null before anything is resolved',
  })
  onTimeRate: number | null;
  @ApiProperty({
    description:
      'At the pace of closures over the last 6 hours, the open tickets will not all be finished before the cutoff ' +
      '(the campaign asked for, else the one running now; outside any campaign, the latest deadline)',
  })
  atRisk: boolean;
}

export class SlaRowView extends SlaFiguresView {
  @ApiProperty({ type: SummaryUnitView }) unit: SummaryUnitView;
}

export class SlaTotalView extends SlaFiguresView {
  @ApiProperty({ type: SummaryUnitView, nullable: true }) unit: SummaryUnitView | null;
}

export class SlaSummaryView {
  @ApiProperty({ type: SummaryUnitView, nullable: true, description: 'null: the whole country' })
  unit: SummaryUnitView | null;
  @ApiProperty({ nullable: true, type: String }) campaign: string | null;
  @ApiProperty({
    type: [SlaRowView],
    description:
      'One row per unit directly below (a ward: the ward itself); tickets held by the unit itself come first',
  })
  rows: SlaRowView[];
  @ApiProperty({ type: SlaTotalView }) total: SlaTotalView;
}

export class RoadQueryDto {
  @ApiPropertyOptional({
    description: 'A unit in your reach (default: your own unit; admins: the whole country)',
    example: '79',
  })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({
    description: 'The campaign (default: the one running now, else the one that started last)',
    example: '2021-11',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  campaign?: string;
}

export class RoadCampaignView {
  @ApiProperty({ example: '2021-11' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '2021-11-03T00:00:00.000+07:00' }) intakeFrom: string;
  @ApiProperty({ example: '2021-11-13T00:00:00.000+07:00' }) cutoffAt: string;
}

export class BurndownPointView {
  @ApiProperty({ description: 'End of the step; the open count is as it stood then' }) at: string;
  @ApiProperty({ description: 'Tickets of the campaign received and not closed at `at`' }) open: number;
  @ApiProperty({ description: 'Received during the step' }) filed: number;
  @ApiProperty({ description: 'Closed (resolved, rejected, merged or withdrawn) during the step' }) closed: number;
}

export class BurndownView {
  @ApiProperty({ type: SummaryUnitView, nullable: true, description: 'null: the whole country' })
  unit: SummaryUnitView | null;
  @ApiProperty({ type: RoadCampaignView }) campaign: RoadCampaignView;
  @ApiProperty({ description: 'Minutes per point (whole hours, at most 240 points start to cutoff)' })
  stepMinutes: number;
  @ApiProperty({ description: 'The service clock when computed' }) now: string;
  @ApiProperty({ type: [BurndownPointView], description: 'From the campaign start to now (at most to its cutoff)' })
  points: BurndownPointView[];
  @ApiProperty() openNow: number;
  @ApiProperty({ description: 'Closures per hour over the last 6 hours' }) pacePerHour: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Closures per hour needed from now to finish by the cutoff; null once it has passed',
  })
  neededPerHour: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When the open tickets are all closed at the current pace (now if none is open); null at pace 0',
  })
  projectedFinishAt: string | null;
  @ApiProperty({ description: 'Projected to finish by the cutoff' }) onTrack: boolean;
}

export class OnTimeDayView {
  @ApiProperty({ example: '2021-11-05', description: 'Local (Viet Nam) day of the resolution' }) day: string;
  @ApiProperty() resolvedOnTime: number;
  @ApiProperty() resolvedLate: number;
  @ApiProperty({ nullable: true, type: Number, description: '0–1' }) onTimeRate: number | null;
}

export class OnTimeByDayView {
  @ApiProperty({ type: SummaryUnitView, nullable: true }) unit: SummaryUnitView | null;
  @ApiProperty({ type: RoadCampaignView }) campaign: RoadCampaignView;
  @ApiProperty({ type: [OnTimeDayView], description: 'Days with at least one resolution, in order' })
  days: OnTimeDayView[];
}

export class AtRiskUnitView {
  @ApiProperty({ type: SummaryUnitView }) unit: SummaryUnitView;
  @ApiProperty() open: number;
  @ApiProperty() pacePerHour: number;
  @ApiProperty({ nullable: true, type: Number }) neededPerHour: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'null: nothing closed in the last 6 hours' })
  projectedFinishAt: string | null;
}

export class AtRiskView {
  @ApiProperty({ type: SummaryUnitView, nullable: true }) unit: SummaryUnitView | null;
  @ApiProperty({ type: RoadCampaignView }) campaign: RoadCampaignView;
  @ApiProperty({
    type: [AtRiskUnitView],
    description: "Units directly below (and the unit's own tickets) projected to miss the cutoff, most open first",
  })
  units: AtRiskUnitView[];
}
