import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IssueType } from '@phananh/ticket-store';
import { PRIVACY_NOTICE_VERSION } from '../privacy-notice';
import { EmptyAsAbsent, IsCalendarDate, Nfc, WithoutSpaces } from './validators';

/** Bounds on free text, so that a report fits a screen and a database row. */
export const LIMITS = {
  fullName: 100,
  facilityName: 200,
  lotNumber: 50,
  description: 2000,
} as const;

export class CitizenDto {
  @ApiProperty({
    description: 'Full name as on the record, with diacritics (kept as typed, NFC)',
    example: 'Nguyễn Văn An',
    maxLength: LIMITS.fullName,
  })
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.fullName)
  @Nfc()
  fullName: string;

  @ApiProperty({ description: 'Date of birth, YYYY-MM-DD', example: '1990-05-17' })
  @IsDefined()
  @IsCalendarDate()
  dateOfBirth: string;

  @ApiProperty({
    description:
      '12-digit CCCD / personal identification number; must agree with dateOfBirth. A 9-digit CMND is refused with its own message',
    example: '001090012345',
  })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  @WithoutSpaces()
  citizenId: string;

  @ApiPropertyOptional({ description: 'Vietnamese mobile number, 0… or +84… (stored as +84…)', example: '0912345678' })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({
    description:
      "E-mail address for messages about this report (assigned, transferred, deferred, resolved, rejected), in the filing's language (Accept-Language). Stored encrypted, erased with the rest",
    example: 'an.nguyen@example.vn',
    maxLength: 254,
  })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({
    description: 'Ward of residence (5-digit ward code, or an island district); required when there is no dose',
    example: '00001',
  })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(5)
  wardCode?: string;
}

export class DoseDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 2 })
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(5)
  doseNumber: number;

  @ApiProperty({ description: 'A code from GET /api/v1/reference/vaccines', example: 'COMIRNATY' })
  @IsDefined()
  @IsString()
  @MaxLength(40)
  vaccineCode: string;

  @ApiProperty({ description: 'YYYY-MM-DD, from 2021-03-08 to the day of filing', example: '2021-10-20' })
  @IsDefined()
  @IsCalendarDate()
  vaccinatedOn: string;

  @ApiProperty({ description: 'Ward (or island district) where the dose was given', example: '00001' })
  @IsDefined()
  @IsString()
  @MaxLength(5)
  wardCode: string;

  @ApiPropertyOptional({ example: 'Trạm Y tế phường Phúc Xá', maxLength: LIMITS.facilityName })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(LIMITS.facilityName)
  @Nfc()
  facilityName?: string;

  @ApiPropertyOptional({ example: 'FF2593', maxLength: LIMITS.lotNumber })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(LIMITS.lotNumber)
  @Nfc()
  lotNumber?: string;
}

export class ConsentDto {
  @ApiProperty({
    description:
      'The privacy notice the citizen read and accepted: `version` of GET /api/v1/reference/privacy-notice. ' +
      'Anything but the current version is refused (NOTICE_VERSION_NOT_CURRENT)',
    example: PRIVACY_NOTICE_VERSION,
  })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  noticeVersion: string;
}

/** POST /api/v1/reports (docs/api.md, "Public"). */
export class FileReportDto {
  @ApiProperty({ type: CitizenDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CitizenDto)
  citizen: CitizenDto;

  @ApiProperty({ enum: IssueType, enumName: 'IssueType', example: IssueType.MissingDose })
  @IsDefined()
  @IsEnum(IssueType)
  issueType: IssueType;

  @ApiPropertyOptional({ type: DoseDto, description: 'Required for MISSING_DOSE and WRONG_DOSE_INFO' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DoseDto)
  dose?: DoseDto;

  @ApiPropertyOptional({ example: 'Mũi 2 chưa có trên Sổ sức khỏe điện tử', maxLength: LIMITS.description })
  @IsOptional()
  @IsString()
  @EmptyAsAbsent()
  @MaxLength(LIMITS.description)
  @Nfc()
  description?: string;

  @ApiProperty({
    type: ConsentDto,
    description: 'Required: the citizen accepted the privacy notice (the form shows it with a checkbox)',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent: ConsentDto;
}
