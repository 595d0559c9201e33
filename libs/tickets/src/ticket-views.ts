import { Injectable } from '@nestjs/common';
import { PiiCrypto, maskCitizenId, maskPhone, toVnIso } from '@phananh/core';
import { ReferenceService, UnitRef } from '@phananh/reference';
import { AssigneeNames, TicketListRow, TicketRecord, TicketRow } from '@phananh/ticket-store';
import type { DuplicateRow } from './possible-duplicates';

export interface HistoryEntry {
  at: string;
  action: string;
  /** null for the system's own entries (filing, SLA flags). */
  actor: { username: string; role: string; unitCode: string | null } | null;
  fromStatus: string | null;
  toStatus: string | null;
  /** For a transfer, both units; otherwise null. */
  fromUnitCode: string | null;
  toUnitCode: string | null;
  /** ASSIGNEE_CHANGED: the usernames of who had the ticket and who has it (null: nobody); otherwise null. */
  fromAssignee: string | null;
  toAssignee: string | null;
  note: string | null;
}

/** The official who has a ticket (personal assignment). */
export interface AssigneeRef {
  id: string;
  username: string;
  fullName: string;
}

export interface AttachmentRef {
  id: string;
  contentType: string;
  size: number;
  /** A file of a report merged into this one: that report's code (it is served here too); null for the ticket's own. */
  fromTrackingCode: string | null;
}

type DoseView = {
  doseNumber: number;
  vaccineCode: string | null;
  vaccinatedOn: string | null;
  wardCode: string | null;
  facilityName: string | null;
  lotNumber: string | null;
} | null;

/**
 * A report linked to this one as a possible duplicate (the same citizen, issue and dose,
 * filed from another phone), with what an official compares side by side; numbers masked.
 */
export interface PossibleDuplicate {
  trackingCode: string;
  status: string;
  issueType: string;
  receivedAt: string;
  dueAt: string;
  assignedUnit: UnitRef;
  /** Null once the retention job erased it. */
  citizen: { fullName: string | null; citizenId: string | null; phone: string | null };
  /** Its phone is this ticket's phone (compared by their blind indexes); false when either has none. */
  samePhone: boolean;
  dose: DoseView;
  description: string | null;
  attachmentCount: number;
}

/** A ticket as the officials' endpoints show it (docs/api.md, "The ticket"). */
export interface TicketView {
  trackingCode: string;
  status: string;
  issueType: string;
  receivedAt: string;
  dueAt: string;
  overdueSince: string | null;
  cutoffMissed: boolean;
  campaign: string | null;
  assignedUnit: UnitRef;
  /** The official of the unit who has it; null: the unit's, unassigned. */
  assignee: AssigneeRef | null;
  /** fullName, dateOfBirth, citizenId and phone are null once the personal data is erased (personalDataErasedAt). */
  citizen: {
    fullName: string | null;
    /** The whole date (YYYY-MM-DD) in the full view; the year alone (YYYY) wherever numbers are masked; null once erased. */
    dateOfBirth: string | null;
    citizenId: string | null;
    phone: string | null;
    wardCode: string | null;
  };
  dose: DoseView;
  description: string | null;
  version: number;
  /** When the retention job erased the ticket's personal data, free texts, history notes and files; null before. */
  personalDataErasedAt: string | null;
  /** The single-ticket view and the answers to actions only: */
  attachments?: AttachmentRef[];
  history?: HistoryEntry[];
  /** The kept report's code, once this one is MERGED; null otherwise. */
  mergedInto?: string | null;
  possibleDuplicates?: PossibleDuplicate[];
}

export interface EventRow {
  at: Date;
  action: string;
  actorUsername: string | null;
  actorRole: string | null;
  actorUnitCode: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  fromUnitCode: string | null;
  toUnitCode: string | null;
  fromAssignee: string | null;
  toAssignee: string | null;
  note: string | null;
}

/**
 * Builds ticket views. Unless `full` (the single-ticket view), identity and phone numbers are
 * masked and the date of birth is the year alone: a list must not hand out the identity number
 * and birth date pairs that leaked lists are made of.
 */
/** Who has the ticket, from its row's assignee id and names. */
function assigneeOf(row: { assigneeId: string | null } & AssigneeNames): TicketView['assignee'] {
  return row.assigneeId
    ? { id: row.assigneeId, username: row.assigneeUsername!, fullName: row.assigneeFullName! }
    : null;
}

@Injectable()
export class TicketViews {
  constructor(
    private readonly pii: PiiCrypto,
    private readonly reference: ReferenceService,
  ) {}

  view(row: TicketRow, full: boolean): TicketView {
    return {
      trackingCode: row.trackingCode,
      status: row.status,
      issueType: row.issueType,
      receivedAt: toVnIso(row.receivedAt),
      dueAt: toVnIso(row.dueAt),
      overdueSince: row.overdueSince ? toVnIso(row.overdueSince) : null,
      cutoffMissed: row.cutoffMissed,
      campaign: row.campaignCode,
      assignedUnit: this.reference.unitRef(row.unitCode),
      assignee: assigneeOf(row),
      citizen: {
        fullName: row.citizenName,
        dateOfBirth: full ? row.citizenDob : (row.citizenDob?.slice(0, 4) ?? null),
        citizenId: row.citizenIdEnc && this.shown(row.citizenIdEnc, row.citizenIdMasked, full, maskCitizenId),
        phone: row.phoneEnc && this.shown(row.phoneEnc, row.phoneMasked, full, maskPhone),
        wardCode: row.citizenWardCode,
      },
      dose: doseView(row),
      description: row.description,
      version: row.version,
      personalDataErasedAt: row.piiErasedAt ? toVnIso(row.piiErasedAt) : null,
    };
  }

  /**
   * A queue page's ticket: the same view as `view(row, false)`, built from the lean row of
   * TICKET_LIST_SELECT (instants already formatted, numbers as masked at intake).
   */
  listView(row: TicketListRow): TicketView {
    return {
      trackingCode: row.trackingCode,
      status: row.status,
      issueType: row.issueType,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
      overdueSince: row.overdueSince,
      cutoffMissed: row.cutoffMissed,
      campaign: row.campaignCode,
      assignedUnit: this.reference.unitRef(row.unitCode),
      assignee: assigneeOf(row),
      citizen: {
        fullName: row.citizenName,
        dateOfBirth: row.citizenDob?.slice(0, 4) ?? null,
        citizenId: row.hasCitizenId
          ? (row.citizenIdMasked ?? maskCitizenId(this.pii.decrypt(row.citizenIdEnc!)))
          : null,
        phone: row.hasPhone ? (row.phoneMasked ?? maskPhone(this.pii.decrypt(row.phoneEnc!))) : null,
        wardCode: row.citizenWardCode,
      },
      dose: doseView(row),
      description: row.description,
      version: row.version,
      personalDataErasedAt: row.piiErasedAt,
    };
  }

  /** A linked report for the side-by-side comparison: numbers masked, the other phone never whole. */
  possibleDuplicate(row: DuplicateRow): PossibleDuplicate {
    return {
      trackingCode: row.trackingCode,
      status: row.status,
      issueType: row.issueType,
      receivedAt: toVnIso(row.receivedAt),
      dueAt: toVnIso(row.dueAt),
      assignedUnit: this.reference.unitRef(row.unitCode),
      citizen: {
        fullName: row.citizenName,
        citizenId: row.citizenIdEnc && this.shown(row.citizenIdEnc, row.citizenIdMasked, false, maskCitizenId),
        phone: row.phoneEnc && this.shown(row.phoneEnc, row.phoneMasked, false, maskPhone),
      },
      samePhone: row.samePhone,
      dose: doseView(row),
      description: row.description,
      attachmentCount: row.attachmentCount,
    };
  }

  /** A number whole (the single-ticket view) or masked: as stored at intake, else masked from the decrypted value. */
  private shown(sealed: Buffer, masked: string | null, full: boolean, mask: (plain: string) => string): string {
    if (full) return this.pii.decrypt(sealed);
    return masked ?? mask(this.pii.decrypt(sealed));
  }

  history(events: EventRow[]): HistoryEntry[] {
    return events.map((e) => ({
      at: toVnIso(e.at),
      action: e.action,
      actor: e.actorUsername ? { username: e.actorUsername, role: e.actorRole!, unitCode: e.actorUnitCode } : null,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      fromUnitCode: e.fromUnitCode,
      toUnitCode: e.toUnitCode,
      fromAssignee: e.fromAssignee,
      toAssignee: e.toAssignee,
      note: e.note,
    }));
  }
}

function doseView(
  row: Pick<
    TicketRecord,
    'doseNumber' | 'vaccineCode' | 'vaccinatedOn' | 'doseWardCode' | 'facilityName' | 'lotNumber'
  >,
): DoseView {
  return row.doseNumber === null
    ? null
    : {
        doseNumber: row.doseNumber,
        vaccineCode: row.vaccineCode,
        vaccinatedOn: row.vaccinatedOn,
        wardCode: row.doseWardCode,
        facilityName: row.facilityName,
        lotNumber: row.lotNumber,
      };
}
