import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the views built by TicketViews (libs/tickets). */
export class UnitRefView {
  @ApiProperty({ example: '00001' }) code: string;
  @ApiProperty({ example: 'Trạm Y tế Phường Phúc Xá' }) name: string;
  @ApiProperty({ enum: ['province', 'district', 'ward'] }) level: string;
}

class CitizenView {
  @ApiProperty() fullName: string;
  @ApiProperty({
    example: '1990-05-17',
    description:
      'Whole (YYYY-MM-DD) in the single-ticket view; the year alone (YYYY, e.g. 1990) in lists and action answers',
  })
  dateOfBirth: string;
  @ApiProperty({
    description: 'Masked (001******345) in lists and action answers, whole in the single-ticket view',
  })
  citizenId: string;
  @ApiProperty({ nullable: true, description: 'Masked in lists and action answers' }) phone: string | null;
  @ApiProperty({ nullable: true }) wardCode: string | null;
}

class DoseView {
  @ApiProperty() doseNumber: number;
  @ApiProperty({ nullable: true }) vaccineCode: string | null;
  @ApiProperty({ nullable: true }) vaccinatedOn: string | null;
  @ApiProperty({ nullable: true }) wardCode: string | null;
  @ApiProperty({ nullable: true }) facilityName: string | null;
  @ApiProperty({ nullable: true }) lotNumber: string | null;
}

class ActorView {
  @ApiProperty() username: string;
  @ApiProperty({ enum: ['OFFICER', 'SUPERVISOR', 'ADMIN'] }) role: string;
  @ApiProperty({ nullable: true }) unitCode: string | null;
}

export class HistoryEntryView {
  @ApiProperty({ example: '2021-11-03T08:00:00.000+07:00' }) at: string;
  @ApiProperty({ example: 'STARTED' }) action: string;
  @ApiProperty({ type: ActorView, nullable: true, description: 'null for entries of the system' })
  actor: ActorView | null;
  @ApiProperty({ nullable: true }) fromStatus: string | null;
  @ApiProperty({ nullable: true }) toStatus: string | null;
  @ApiProperty({ nullable: true, description: 'Transfers: the unit it came from' }) fromUnitCode: string | null;
  @ApiProperty({ nullable: true, description: 'Transfers: the unit it went to' }) toUnitCode: string | null;
  @ApiProperty({ nullable: true }) note: string | null;
}

export class AttachmentRefView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'image/jpeg' }) contentType: string;
  @ApiProperty() size: number;
}

export class TicketView {
  @ApiProperty() trackingCode: string;
  @ApiProperty({ enum: ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED', 'REJECTED'] }) status: string;
  @ApiProperty() issueType: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ nullable: true }) overdueSince: string | null;
  @ApiProperty() cutoffMissed: boolean;
  @ApiProperty({ nullable: true, example: '2021-11' }) campaign: string | null;
  @ApiProperty({ type: UnitRefView }) assignedUnit: UnitRefView;
  @ApiProperty({ type: CitizenView }) citizen: CitizenView;
  @ApiProperty({ type: DoseView, nullable: true }) dose: DoseView | null;
  @ApiProperty({ nullable: true }) description: string | null;
  @ApiProperty() version: number;
}

export class TicketDetailView extends TicketView {
  @ApiPropertyOptional({ type: [AttachmentRefView] }) attachments?: AttachmentRefView[];
  @ApiPropertyOptional({ type: [HistoryEntryView] }) history?: HistoryEntryView[];
}

export class QueuePageView {
  @ApiProperty({ type: [TicketView] }) items: TicketView[];
  @ApiProperty({ nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}

export class RejectionReasonView {
  @ApiProperty({ example: 'NAME_MISMATCH' }) code: string;
  @ApiProperty({ description: "In the request's language (Accept-Language)" }) text: string;
  @ApiProperty() requiresNote: boolean;
}
