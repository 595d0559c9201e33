import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TicketAction, TicketStatus } from '@phananh/ticket-store';

export class AssignedUnitDto {
  @ApiProperty({ example: '00001' }) code: string;
  @ApiProperty({ example: 'Trạm Y tế Phường Phúc Xá' }) name: string;
  @ApiProperty({ enum: ['province', 'district', 'ward'], example: 'ward' }) level: 'province' | 'district' | 'ward';
}

/** The answer to a filing: 201 for a new report, 200 with the earlier one for a duplicate. */
export class ReportReceiptDto {
  @ApiProperty({ example: '7KQM-X4HT-9PR', description: 'At most 16 characters; read aloud in three groups' })
  trackingCode: string;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', example: TicketStatus.Assigned }) status: TicketStatus;
  @ApiProperty({ example: '2021-11-03T08:00:00.000+07:00' }) receivedAt: string;
  @ApiProperty({ example: '2021-11-05T08:00:00.000+07:00' }) dueAt: string;
  @ApiProperty({ nullable: true, type: String, example: '2021-11', description: 'Campaign code, or null outside any' })
  campaign: string | null;
  @ApiProperty({ type: AssignedUnitDto }) assignedUnit: AssignedUnitDto;
}

export class RejectionDto {
  @ApiProperty({ example: 'DOB_MISMATCH' }) code: string;
  @ApiProperty({ example: 'Ngày sinh không khớp', description: "In the caller's language" }) reason: string;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ description: 'What the citizen should do next' }) nextStep: string;
}

export class TimelineEntryDto {
  @ApiProperty({ example: '2021-11-03T08:00:00.000+07:00' }) at: string;
  @ApiProperty({ enum: TicketAction, enumName: 'TicketAction', example: TicketAction.Filed }) action: TicketAction;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Trạm Y tế Phường Phúc Xá' }) unitName: string | null;
}

/** What a citizen sees of a report: no personal data, no internal notes. */
export class PublicReportDto {
  @ApiProperty({ example: '7KQM-X4HT-9PR' }) trackingCode: string;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus' }) status: TicketStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description:
      'MERGED only: the tracking code of the report to follow, when the lookup gave the identity number and the ' +
      'phone on file for that report; otherwise null',
  })
  mergedInto: string | null;
  @ApiProperty({ type: AssignedUnitDto }) assignedUnit: AssignedUnitDto;
  @ApiProperty() receivedAt: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'How the record was corrected, once resolved' })
  resolution: string | null;
  @ApiProperty({ nullable: true, type: RejectionDto }) rejection: RejectionDto | null;
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
}
