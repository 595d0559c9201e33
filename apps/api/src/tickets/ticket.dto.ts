import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { normalizeTrackingCode } from '@phananh/reports';
import { REJECTION_REASONS } from '@phananh/tickets';
import { IssueType, TicketStatus } from '@phananh/ticket-store';
import { PageQueryDto } from '../http/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class QueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TicketStatus, description: 'Without it, only open tickets' })
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Past the deadline (open, or closed late)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      'Only tickets of this unit and the units below it, within your reach (a unit outside it gives an empty list)',
    example: '001',
  })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({ description: 'Campaign code', example: '2021-11' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  campaign?: string;

  @ApiPropertyOptional({ enum: IssueType })
  @IsOptional()
  @IsEnum(IssueType)
  issueType?: IssueType;

  @ApiPropertyOptional({
    enum: ['mine', 'unassigned'],
    description: '`mine`: the tickets you have; `unassigned`: those no official has (the unit’s)',
  })
  @IsOptional()
  @IsIn(['mine', 'unassigned'])
  assignee?: 'mine' | 'unassigned';
}

export class ResolveDto {
  @ApiProperty({ description: 'What was corrected', example: 'Đã bổ sung mũi 2 trên Nền tảng' })
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  resolution: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Cần đối chiếu với sổ tiêm tại trạm' })
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class RejectDto {
  @ApiProperty({ enum: REJECTION_REASONS.map((r) => r.code), description: 'GET /api/v1/reference/rejection-reasons' })
  @IsIn(REJECTION_REASONS.map((r) => r.code))
  reasonCode: string;

  @ApiPropertyOptional({ description: 'Required with OTHER' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class TransferDto {
  @ApiProperty({ description: 'A unit in your province (admins: any unit)', example: '00004' })
  @Matches(/^\d{2,5}$/)
  unitCode: string;

  @ApiProperty({ example: 'Mũi tiêm được tiêm tại phường khác' })
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class CommentDto {
  @ApiProperty({ example: 'Đã gọi điện cho người dân' })
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  text: string;
}

export class MergeDto {
  @ApiProperty({
    description:
      'The tracking code of the report to keep: open, in your reach, the same citizen’s and linked to this one as a possible duplicate',
    example: '7KQM-X4HT-9PR',
  })
  // As typed (any case, dashes optional); a code that cannot be one of ours is simply not found.
  @Transform(({ value }) => (typeof value === 'string' ? (normalizeTrackingCode(value) ?? value.trim()) : value))
  @IsString()
  @Length(1, 32)
  into: string;

  @ApiPropertyOptional({
    description: 'Why; kept in both reports’ history',
    example: 'Cùng một mũi tiêm, gửi từ hai số điện thoại',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;
}
