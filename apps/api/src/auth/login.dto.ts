import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'canbo.phucxa' })
  @IsString()
  @Length(1, 64)
  username: string;

  @ApiProperty({ example: 'mật-khẩu-đủ-dài', format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;
}

export class LoginCodeDto {
  @ApiProperty({ description: 'The `challenge` of the password step' })
  @IsString()
  @Length(1, 2048)
  challenge: string;

  @ApiPropertyOptional({ description: 'The 6 digits of the authenticator app', example: '492039' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  code?: string;

  @ApiPropertyOptional({
    description: 'Or one of the ten recovery codes (each works once)',
    example: '3f9a1-0c7d2-81be4-aa09c',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  recoveryCode?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh (each works once)' })
  @IsString()
  @Length(1, 256)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  currentPassword: string;

  @ApiProperty({
    format: 'password',
    description: '12–256 characters, not containing the username, not a common password',
  })
  @IsString()
  @Length(1, 1024)
  newPassword: string;
}

export class StartEnrolmentDto {
  @ApiPropertyOptional({ format: 'password', description: 'Required when replacing an enrolled factor' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  password?: string;
}

export class ConfirmEnrolmentDto {
  @ApiProperty({ description: 'The first code the app shows for the new key', example: '492039' })
  @IsString()
  @Matches(/^\d{6}$/)
  code: string;
}

export class PasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;
}

export class AccessTokenView {
  @ApiProperty({ description: 'Goes in `Authorization: Bearer …`' }) accessToken: string;
  @ApiProperty({ description: 'Seconds the token stays valid', example: 900 }) expiresIn: number;
}

export class TokenSetView extends AccessTokenView {
  @ApiProperty({ description: 'For POST /auth/refresh; works once (a reused one ends the session)' })
  refreshToken: string;
  @ApiProperty({ description: 'Seconds the session lasts at most', example: 43200 }) refreshExpiresIn: number;
  @ApiProperty({ description: 'Only the password change is open until this is false' })
  passwordChangeRequired: boolean;
  @ApiProperty({ description: 'Only enrolment is open until a second factor is enrolled' })
  twoFactorEnrolmentRequired: boolean;
}

/** Either a completed sign-in (the TokenSetView fields) or, with a factor enrolled, the challenge of the code step. */
export class LoginView {
  @ApiPropertyOptional({ description: 'Present (true) when the code step comes next' }) twoFactorRequired?: true;
  @ApiPropertyOptional({ description: 'For POST /auth/login/code' }) challenge?: string;
  @ApiPropertyOptional({ example: 300 }) challengeExpiresIn?: number;
  @ApiPropertyOptional() accessToken?: string;
  @ApiPropertyOptional() expiresIn?: number;
  @ApiPropertyOptional() refreshToken?: string;
  @ApiPropertyOptional() refreshExpiresIn?: number;
  @ApiPropertyOptional() passwordChangeRequired?: boolean;
  @ApiPropertyOptional() twoFactorEnrolmentRequired?: boolean;
}

export class EnrolmentView {
  @ApiProperty({ description: 'The key in base32, to type into the app by hand' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/…?secret=…&issuer=…' }) otpauthUri: string;
  @ApiProperty({ description: 'The URI as a QR code, `data:image/png;base64,…`' }) qrCode: string;
}

export class RecoveryCodesView {
  @ApiProperty({ type: [String], description: 'Ten one-time codes, shown once' }) recoveryCodes: string[];
}

export class SessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() lastUsedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ nullable: true }) userAgent: string | null;
  @ApiProperty({ description: 'The session of this request' }) current: boolean;
}

export class UnitRefView {
  @ApiProperty({ example: '00001' }) code: string;
  @ApiProperty({ example: 'Trạm Y tế Phường Phúc Xá' }) name: string;
  @ApiProperty({ enum: ['province', 'district', 'ward'] }) level: string;
}

export class MeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ['OFFICER', 'SUPERVISOR', 'ADMIN'] }) role: string;
  @ApiProperty({ type: UnitRefView, nullable: true }) unit: UnitRefView | null;
  @ApiProperty() passwordChangeRequired: boolean;
  @ApiProperty() twoFactorEnrolled: boolean;
  @ApiProperty({ description: 'The role requires a factor and none is enrolled yet' })
  twoFactorEnrolmentRequired: boolean;
  @ApiProperty({ description: 'Unused recovery codes' }) recoveryCodesLeft: number;
}
