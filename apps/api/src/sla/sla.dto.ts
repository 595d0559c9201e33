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
