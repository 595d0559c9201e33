import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { normalizeTrackingCode } from '@phananh/reports';
import { BULK_ACTION_NAMES, BULK_MAX_ITEMS, BulkActionName, REJECTION_REASONS } from '@phananh/tickets';
import { IssueType, TicketStatus } from '@phananh/ticket-store';
import { PageQueryDto } from '../http/page-query.dto';
import { UUID } from '@phananh/core';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The queue's filters (GET /tickets); the exports take the same (an export is every ticket that matches). */
export class TicketFiltersDto {
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
      'Only tickets of this unit and the units below it, within your reach (a unit outside it: an empty queue page, an export 404)',
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

/** A page of the queue: its filters and the keyset paging. */
export class QueueQueryDto extends IntersectionType(TicketFiltersDto, PageQueryDto) {}

/** As typed (any case, dashes optional); a code that cannot be one of ours is simply not found. */
const trackingCode = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (normalizeTrackingCode(value) ?? value.trim()) : value;

const TEMPLATE_ID = {
  description:
    'A reply template (GET /api/v1/reply-templates) whose text, in the language of Accept-Language, is used instead of ' +
    'writing one; not together with the text itself',
  format: 'uuid',
};

export class ResolveDto {
  @ApiPropertyOptional({
    description: 'What was corrected (required unless templateId is given)',
    example: 'Đã bổ sung mũi 2 trên Nền tảng',
  })
  @ValidateIf((o: ResolveDto) => o.templateId === undefined || o.resolution !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  resolution?: string;

  @ApiPropertyOptional(TEMPLATE_ID)
  @IsOptional()
  @IsString()
  @Length(1, 64)
  templateId?: string;
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

  @ApiPropertyOptional({ description: 'Required with OTHER (unless templateId is given)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional(TEMPLATE_ID)
  @IsOptional()
  @IsString()
  @Length(1, 64)
  templateId?: string;
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
  @Transform(trackingCode)
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

export class BulkItemDto {
  @ApiProperty({ example: '7KQM-X4HT-9PR', description: 'As typed (any case, dashes optional)' })
  @Transform(trackingCode)
  @IsString()
  @Length(1, 32)
  trackingCode: string;

  @ApiProperty({
    example: 3,
    description: 'The version of the ticket you saw (its `version`): the action is taken only if it is still that',
  })
  @IsInt()
  @Min(1)
  version: number;
}

export class BulkActionDto {
  @ApiProperty({ enum: BULK_ACTION_NAMES })
  @IsIn(BULK_ACTION_NAMES)
  action: BulkActionName;

  @ApiProperty({
    type: [BulkItemDto],
    description: `1 to ${BULK_MAX_ITEMS} tickets, each once; the answer lists them in this order`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => BulkItemDto)
  items: BulkItemDto[];

  @ApiPropertyOptional({ description: 'resolve: what was corrected (or templateId)' })
  @ValidateIf(
    (o: BulkActionDto) => o.action === 'resolve' && (o.templateId === undefined || o.resolution !== undefined),
  )
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  resolution?: string;

  @ApiPropertyOptional({ description: 'defer and transfer: why' })
  @ValidateIf((o: BulkActionDto) => o.action === 'defer' || o.action === 'transfer')
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  reason?: string;

  @ApiPropertyOptional({
    enum: REJECTION_REASONS.map((r) => r.code),
    description: 'reject: the standard reason (GET /api/v1/reference/rejection-reasons)',
  })
  @ValidateIf((o: BulkActionDto) => o.action === 'reject')
  @IsIn(REJECTION_REASONS.map((r) => r.code))
  reasonCode?: string;

  @ApiPropertyOptional({ description: 'reject: the note (required with OTHER, unless templateId is given)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ description: 'transfer: a unit of your province (admins: any unit)', example: '00004' })
  @ValidateIf((o: BulkActionDto) => o.action === 'transfer')
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'assign: an active officer or supervisor of each ticket’s unit; null gives them back to their units',
  })
  @ValidateIf((o: BulkActionDto) => o.action === 'assign' && o.assigneeId !== null)
  @IsString()
  @Matches(UUID)
  assigneeId?: string | null;

  @ApiPropertyOptional({ ...TEMPLATE_ID, description: `resolve and reject: ${TEMPLATE_ID.description}` })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  templateId?: string;
}
