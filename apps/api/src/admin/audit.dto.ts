import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, MaxLength, ValidateBy } from 'class-validator';
import { AuditAction } from '@phananh/audit';
import { normalizeTrackingCode } from '@phananh/reports';
import { PageQueryDto } from '../http/page-query.dto';
import { IsInstantWithOffset } from './admin.dto';

/** A tracking code as anyone may type it (any case, spaces or dashes), in its canonical form when it is one of ours. */
const canonicalCode = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.length <= 32 ? (normalizeTrackingCode(value) ?? value) : value;

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: "The actor's username (case-insensitively)", example: 'canbo.phucxa' })
  @IsOptional()
  @ValidateBy({
    name: 'isUsername',
    validator: { validate: (v) => typeof v === 'string' && /^[A-Za-z0-9._-]{3,64}$/.test(v) },
  })
  actor?: string;

  @ApiPropertyOptional({ enum: AuditAction, enumName: 'AuditAction' })
  @IsOptional()
  @IsEnum(AuditAction)
  action?: AuditAction;

  @ApiPropertyOptional({
    description: 'Rows that name this tracking code (queue pages that served it, views, downloads)',
    example: '7KQM-X4HT-9PR',
  })
  @IsOptional()
  @MaxLength(32)
  @Transform(canonicalCode)
  @ValidateBy({
    name: 'TRACKING_CODE_INVALID',
    validator: { validate: (v) => typeof v === 'string' && normalizeTrackingCode(v) === v },
  })
  ticket?: string;

  @ApiPropertyOptional({
    description: 'From this instant (inclusive), with its offset',
    example: '2021-11-03T00:00:00+07:00',
  })
  @IsOptional()
  @IsInstantWithOffset()
  from?: string;

  @ApiPropertyOptional({
    description: 'To this instant (exclusive), with its offset',
    example: '2021-11-04T00:00:00+07:00',
  })
  @IsOptional()
  @IsInstantWithOffset()
  to?: string;
}

class AuditActorView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty({ enum: ['OFFICER', 'SUPERVISOR', 'ADMIN'] }) role: string;
  @ApiProperty({ nullable: true, type: String }) unitCode: string | null;
}

class AuditSubjectView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
}

export class AuditEntryView {
  @ApiProperty({ example: '1042', description: 'Increasing with each row written' }) id: string;
  @ApiProperty({ example: '2021-11-03T08:00:00.000+07:00', description: 'On the service clock' }) at: string;
  @ApiProperty({ enum: AuditAction, enumName: 'AuditAction' }) action: string;
  @ApiProperty({
    type: AuditActorView,
    nullable: true,
    description: 'As the account was at the time (copied); null for the system',
  })
  actor: AuditActorView | null;
  @ApiProperty({ type: [String], description: 'The tickets shown or touched, by tracking code' })
  ticketCodes: string[];
  @ApiProperty({ type: AuditSubjectView, nullable: true, description: 'An account acted on (account administration)' })
  subject: AuditSubjectView | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'QUEUE_PAGE: the filters, `cursor` (true when a later page), `limit`; EXPORT: `export`, `unitCode`, `campaign`. Never personal data',
  })
  query: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'ATTACHMENT_DOWNLOADED: `attachmentId`; account administration: what changed',
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7', description: "The client's address" })
  clientAddress: string | null;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) items: AuditEntryView[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null on the last',
  })
  nextCursor: string | null;
}
