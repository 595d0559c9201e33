import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { registerValidationMessages } from '@phananh/core';
import { MIN_PASSWORD_LENGTH, Role } from '@phananh/identity';

registerValidationMessages({
  isInstantWithOffset: {
    vi: 'Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2021-11-03T00:00:00+07:00',
    en: 'Must be an ISO 8601 instant with an offset, e.g. 2021-11-03T00:00:00+07:00',
  },
  isUsername: {
    vi: 'Tên đăng nhập gồm 3–64 ký tự chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới',
    en: 'A username is 3–64 letters, digits, dots, hyphens or underscores',
  },
});

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant written with its offset ("Z" or ±hh:mm), so that nobody's local time zone is guessed. */
export function IsInstantWithOffset(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstantWithOffset',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && INSTANT.test(v) && !Number.isNaN(Date.parse(v)),
      },
    },
    options,
  );
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty({ example: 'canbo.phucxa', description: 'Unique, case-insensitively' })
  @ValidateBy({
    name: 'isUsername',
    validator: { validate: (v) => typeof v === 'string' && /^[A-Za-z0-9._-]{3,64}$/.test(v) },
  })
  username: string;

  @ApiPropertyOptional({
    minLength: MIN_PASSWORD_LENGTH,
    format: 'password',
    description: 'Omitted: a temporary password is made and answered once (`temporaryPassword`)',
  })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  password?: string;

  @ApiProperty({ example: 'Nguyễn Thị Bình' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  fullName: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role: Role;

  @ApiPropertyOptional({ description: 'Required for officers and supervisors', example: '00001' })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({ example: 'binh@tyt-phucxa.vn' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export class UserListQueryDto {
  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ example: '001', description: "Officials of this unit's subtree (a province: all of it)" })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: enabled accounts; false: disabled ones' })
  @IsOptional()
  @IsIn(['true', 'false'])
  enabled?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'With (true) or without (false) a second factor' })
  @IsOptional()
  @IsIn(['true', 'false'])
  totpEnrolled?: 'true' | 'false';

  @ApiPropertyOptional({
    description: 'Last login before this instant, or never (accounts gone quiet)',
    example: '2021-10-01T00:00:00+07:00',
  })
  @IsOptional()
  @IsInstantWithOffset()
  lastLoginBefore?: string;

  @ApiPropertyOptional({ description: 'Last login at or after this instant', example: '2021-11-01T00:00:00+07:00' })
  @IsOptional()
  @IsInstantWithOffset()
  lastLoginSince?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Only the keys sent change; `null` clears the unit (admins only) or the e-mail. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Role, description: 'A change of role ends all of the official’s sessions' })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '00004',
    description: 'A change of unit ends all of the official’s sessions; null only for an admin (national)',
  })
  @ValidateIf((_, v) => v !== null)
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'binh@tyt-phucxa.vn' })
  @ValidateIf((_, v) => v !== null)
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ nullable: true, type: String }) unitCode: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) disabledAt: string | null;
  @ApiProperty({ description: 'Must choose a password at next login (new account, or after a reset)' })
  passwordChangeRequired: boolean;
  @ApiProperty({ nullable: true, type: String }) lastLoginAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When the second factor was enrolled' })
  totpEnrolledAt: string | null;
}

export class CreatedUserView extends UserView {
  @ApiPropertyOptional({
    description: 'Only when no password was sent: the one-time password to hand over (never shown again)',
  })
  temporaryPassword?: string;
}

export class UserPageView {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

class ImportProblemView {
  @ApiProperty({ description: 'Line of the file (the header is 1); 0 for the file as a whole' }) line: number;
  @ApiProperty({ enum: ['file', 'row', 'username', 'fullName', 'role', 'unitCode', 'email'] }) field: string;
  @ApiProperty({ example: 'UNIT_UNKNOWN' }) code: string;
  @ApiProperty({ description: "In the client's language (Accept-Language)" }) message: string;
}

export class ImportReportView {
  @ApiProperty({ description: 'Data rows read' }) rows: number;
  @ApiProperty({ description: 'True when the import would create every row' }) valid: boolean;
  @ApiProperty({ type: [ImportProblemView], description: 'Every problem of every row, by line' })
  problems: ImportProblemView[];
}

export class CreateCampaignDto {
  @ApiProperty({ example: '2022-03', description: 'Letters, digits, dot, hyphen, underscore' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  code: string;

  @ApiProperty({ example: 'Rà soát dữ liệu tiêm chủng tháng 3/2022' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '2022-03-01T00:00:00+07:00', description: 'Reports received from this instant…' })
  @IsInstantWithOffset()
  intakeFrom: string;

  @ApiProperty({ example: '2022-03-15T00:00:00+07:00', description: '…up to (not including) this one' })
  @IsInstantWithOffset()
  intakeTo: string;

  @ApiProperty({ example: '2022-03-17T00:00:00+07:00', description: 'Every report must be finished before it' })
  @IsInstantWithOffset()
  cutoffAt: string;

  @ApiProperty({ minimum: 1, maximum: 720, example: 48 })
  @IsInt()
  @Min(1)
  @Max(720)
  handlingHours: number;
}

export class CampaignView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() intakeFrom: string;
  @ApiProperty() intakeTo: string;
  @ApiProperty() cutoffAt: string;
  @ApiProperty() handlingHours: number;
  @ApiProperty() dueSoonHours: number;
  @ApiProperty() escalateAfterHours: number;
  @ApiProperty() createdAt: string;
}
