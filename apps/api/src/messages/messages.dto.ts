import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';

export class ResendCodeDto {
  @ApiProperty({ example: '001090012345', description: 'The 12-digit identity number given when filing' })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  citizenId: string;

  @ApiProperty({ example: '0912345678', description: 'The mobile number given when filing, 0… or +84…' })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  phone: string;
}

export class ResendCodeAnswerDto {
  @ApiProperty({ example: true })
  accepted: true;

  @ApiProperty({ description: 'The same sentence whatever matched, in the language of Accept-Language' })
  message: string;
}

export class OptOutDto {
  @ApiProperty({ example: '7KQM-X4HT-9PR', description: 'Case-insensitive; dashes and spaces optional' })
  @IsDefined()
  @IsString()
  @MaxLength(32)
  trackingCode: string;

  @ApiPropertyOptional({ description: "The token of the message's opt-out link" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token?: string;

  @ApiPropertyOptional({
    example: '001090012345',
    description: "Instead of the token (the status page): the report's identity number",
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  citizenId?: string;
}

export class OptOutAnswerDto {
  @ApiProperty({ example: true })
  optedOut: true;
}
