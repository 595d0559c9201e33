import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

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

export class AccessTokenView {
  @ApiProperty({ description: 'Goes in `Authorization: Bearer …`' }) accessToken: string;
  @ApiProperty({ description: 'Seconds the token stays valid', example: 3600 }) expiresIn: number;
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
}
