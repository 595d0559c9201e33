import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import { WithoutSpaces } from './validators';

/** POST /api/v1/reports/lookup: the tracking code (any case, with or without dashes) and the identity number. */
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
}
