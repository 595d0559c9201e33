import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IssueType, TicketStatus } from '@phananh/ticket-store';

/** The queue's filters (GET /tickets), without the paging: an export is every ticket that matches. */
export class ExportQueryDto {
  @ApiPropertyOptional({ enum: TicketStatus, description: 'Without it, only open tickets (as the queue)' })
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Past the deadline (open, or closed late)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({
    description: 'This unit and the units below it; it must be in your reach (otherwise 404)',
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
}
