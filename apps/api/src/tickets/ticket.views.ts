import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATUSES = ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED', 'REJECTED', 'MERGED', 'WITHDRAWN'];

/** OpenAPI shapes of the views built by TicketViews (libs/tickets). */
export class UnitRefView {
  @ApiProperty({ example: '00001' }) code: string;
  @ApiProperty({ example: 'Trạm Y tế Phường Phúc Xá' }) name: string;
  @ApiProperty({ enum: ['province', 'district', 'ward'] }) level: string;
}

class CitizenView {
  @ApiProperty({ nullable: true, description: 'null once the personal data is erased' }) fullName: string | null;
  @ApiProperty({
    nullable: true,
    example: '1990-05-17',
    description:
      'Whole (YYYY-MM-DD) in the single-ticket view; the year alone (YYYY, e.g. 1990) in lists and action answers; null once erased',
  })
  dateOfBirth: string | null;
  @ApiProperty({
    nullable: true,
    description: 'Masked (001******345) in lists and action answers, whole in the single-ticket view; null once erased',
  })
  citizenId: string | null;
  @ApiProperty({
    nullable: true,
    description: 'Masked in lists and action answers; null when none was given, or once erased',
  })
  phone: string | null;
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
  @ApiProperty({ nullable: true, type: String, description: 'ASSIGNEE_CHANGED: username of who had it (null: nobody)' })
  fromAssignee: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'ASSIGNEE_CHANGED: username of who has it (null: nobody)' })
  toAssignee: string | null;
  @ApiProperty({ nullable: true }) note: string | null;
}

export class AttachmentRefView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'image/jpeg' }) contentType: string;
  @ApiProperty() size: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'A file of a report merged into this one: that report’s code (served from this ticket too); null for its own',
  })
  fromTrackingCode: string | null;
}

class DuplicateCitizenView {
  @ApiProperty({ nullable: true, description: 'null once erased' }) fullName: string | null;
  @ApiProperty({ nullable: true, example: '001******345', description: 'Masked; null once erased' })
  citizenId: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+8491****678', description: 'Masked' }) phone: string | null;
}

export class PossibleDuplicateView {
  @ApiProperty() trackingCode: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty() issueType: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ type: UnitRefView }) assignedUnit: UnitRefView;
  @ApiProperty({ type: DuplicateCitizenView }) citizen: DuplicateCitizenView;
  @ApiProperty({
    description: 'Its phone is this ticket’s (compared by blind index, never shown whole); false when either has none',
  })
  samePhone: boolean;
  @ApiProperty({ type: DoseView, nullable: true }) dose: DoseView | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() attachmentCount: number;
}

export class AssigneeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'hoa.nt' }) username: string;
  @ApiProperty({ example: 'Nguyễn Thị Hoa' }) fullName: string;
}

export class TicketView {
  @ApiProperty() trackingCode: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty() issueType: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ nullable: true }) overdueSince: string | null;
  @ApiProperty() cutoffMissed: boolean;
  @ApiProperty({ nullable: true, example: '2021-11' }) campaign: string | null;
  @ApiProperty({ type: UnitRefView }) assignedUnit: UnitRefView;
  @ApiProperty({
    type: AssigneeView,
    nullable: true,
    description: 'The official of the unit who has the ticket; null: the unit’s, unassigned',
  })
  assignee: AssigneeView | null;
  @ApiProperty({ type: CitizenView }) citizen: CitizenView;
  @ApiProperty({ type: DoseView, nullable: true }) dose: DoseView | null;
  @ApiProperty({ nullable: true }) description: string | null;
  @ApiProperty() version: number;
  @ApiProperty({
    nullable: true,
    description:
      "When the ticket's personal data, free texts, history notes and files were erased (RETENTION_DAYS after its " +
      "campaign's cutoff, or after closing outside a campaign); null before",
  })
  personalDataErasedAt: string | null;
}

export class TicketDetailView extends TicketView {
  @ApiPropertyOptional({ type: [AttachmentRefView] }) attachments?: AttachmentRefView[];
  @ApiPropertyOptional({ type: [HistoryEntryView] }) history?: HistoryEntryView[];
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Once MERGED: the tracking code of the report it was merged into',
  })
  mergedInto?: string | null;
  @ApiPropertyOptional({
    type: [PossibleDuplicateView],
    description:
      'Reports linked to this one as possible duplicates (the same citizen, issue and dose from another phone), ' +
      'either way and one hop further, oldest first; only those in your reach',
  })
  possibleDuplicates?: PossibleDuplicateView[];
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
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The note offered when the reason is picked (the official may change it); null for OTHER',
  })
  defaultNote: string | null;
  @ApiProperty({ description: 'What the citizen is told to do next (status page)' }) nextStep: string;
}

class BulkProblemView {
  @ApiProperty({ example: 'urn:phananh:problem:ticket-changed' }) type: string;
  @ApiProperty({
    example: 'TICKET_CHANGED',
    description:
      'TICKET_NOT_FOUND (unknown or outside your reach, alike), TICKET_CHANGED, TRANSITION_NOT_ALLOWED, ' +
      'TICKET_ERASED, DUPLICATE_OPEN, or the code of a per-ticket field check (e.g. TRANSFER_SAME_UNIT)',
  })
  code: string;
  @ApiProperty({ example: 409, description: 'The status its single action would answer' }) status: number;
  @ApiProperty({ description: "In the request's language" }) title: string;
}

export class BulkResultView {
  @ApiProperty() trackingCode: string;
  @ApiProperty({ description: 'true: the action was taken on this ticket' }) ok: boolean;
  @ApiPropertyOptional({ enum: STATUSES, description: 'ok: the new status' }) status?: string;
  @ApiPropertyOptional({ description: 'ok: the new version' }) version?: number;
  @ApiPropertyOptional({ type: BulkProblemView, description: 'not ok: why (nothing was changed on this ticket)' })
  problem?: BulkProblemView;
}

export class BulkAnswerView {
  @ApiProperty({ example: 'resolve' }) action: string;
  @ApiProperty({ description: 'Tickets acted on' }) done: number;
  @ApiProperty({ description: 'Tickets left as they were' }) failed: number;
  @ApiProperty({ type: [BulkResultView], description: 'One per item, in the order sent' }) results: BulkResultView[];
}
