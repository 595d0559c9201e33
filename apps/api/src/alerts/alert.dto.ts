import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ALERT_KINDS, AlertKind } from '@phananh/alerts';
import { PageQueryDto } from '../http/page-query.dto';

export class AlertListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only alerts not yet acknowledged' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unacknowledged?: 'true' | 'false';
}

export class AlertUnitView {
  @ApiProperty({ example: '00001' }) code: string;
  @ApiProperty({ example: 'Trạm Y tế Phường Phúc Xá' }) name: string;
}

export class AlertTicketView {
  @ApiProperty() trackingCode: string;
  @ApiProperty({ description: 'The deadline the alert is about (ISO 8601, +07:00)' }) dueAt: string;
  @ApiProperty({ description: "The ticket's status now" }) status: string;
}

export class AlertView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind: AlertKind;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt: string | null;
  @ApiProperty({ type: AlertUnitView, description: "The ticket's unit; the province for CUTOFF_MISSED" })
  unit: AlertUnitView;
  @ApiProperty({ type: AlertTicketView, nullable: true, description: 'null for CUTOFF_MISSED' })
  ticket: AlertTicketView | null;
  @ApiProperty({ nullable: true, type: String, example: '2021-11' }) campaign: string | null;
  @ApiProperty({
    nullable: true,
    description:
      'CUTOFF_MISSED: `{ campaign, cutoffAt, province, total, units: [{ unit, count, trackingCodes }] }`; otherwise null',
  })
  summary: unknown;
}

export class AlertPageView {
  @ApiProperty({ type: [AlertView] }) items: AlertView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
