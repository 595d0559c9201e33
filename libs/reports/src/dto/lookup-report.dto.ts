import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { EmptyAsAbsent, WithoutSpaces } from './validators';

/**
 * POST /api/v1/reports/lookup: the tracking code (any case, with or without dashes) and the
 * identity number; optionally the phone, which only a merged report's pointer needs.
 */
export class LookupReportDto {
  @ApiProperty({ example: '7KQM-X4HT-9PR', description: 'Case-insensitive; dashes and spaces optional' })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  trackingCode: string;

  @ApiProperty({ example: '001090012345', description: 'The identity number given when filing' })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  @WithoutSpaces()
  citizenId: string;

  @ApiPropertyOptional({
    example: '0912345678',
    description:
      'Vietnamese mobile number, 0… or +84… (checked as when filing). Only for a MERGED report: with the phone on ' +
      'file for the report it was merged into, the answer names that report (`mergedInto`)',
  })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(32)
  phone?: string;
}
