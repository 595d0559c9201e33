import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Min, ValidateIf } from 'class-validator';
import { UUID } from '@phananh/core';

/** The version the client read: if the ticket has changed since, 409 `ticket-changed` (optional). */
export class ClaimDto {
  @ApiPropertyOptional({ description: 'The `version` you read; another one is 409 ticket-changed', example: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class AssignDto extends ClaimDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'An active officer or supervisor of the ticket’s unit (GET …/assignees); null gives it back to the unit',
  })
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(UUID)
  assigneeId: string | null;
}

export class DistributionDto {
  @ApiProperty({ description: 'Hand the tickets arriving in the unit to its active officers, round robin' })
  @IsBoolean()
  enabled: boolean;
}

export class AssigneeCandidateView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ['OFFICER', 'SUPERVISOR'] }) role: string;
}

export class DistributionView {
  @ApiProperty({ example: '00001' }) unitCode: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'The unit’s active officers, among whom the tickets are handed out' })
  activeOfficers: number;
}
