import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateOpen311KeyDto {
  @ApiProperty({
    description: 'Who the key is for (a partner system), as admins will recognise it',
    example: 'Tổng đài 1022 Hà Nội',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    description: 'POST requests this key may make per minute (default 60)',
    minimum: 1,
    maximum: 100000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerMinute?: number;
}

export class Open311KeyView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ description: 'The first characters of the key, to tell keys apart', example: 'o311_Ab3dE9' })
  keyPrefix: string;

  @ApiProperty()
  requestsPerMinute: number;

  @ApiProperty({ example: '2021-11-03T08:00:00.000+07:00' })
  createdAt: string;

  @ApiProperty({ nullable: true, type: String })
  revokedAt: string | null;
}

export class IssuedOpen311KeyView extends Open311KeyView {
  @ApiProperty({ description: 'The key itself: shown this once, only its hash is kept' })
  key: string;
}
