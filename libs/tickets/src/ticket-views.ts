import { Injectable } from '@nestjs/common';
import { PiiCrypto, maskCitizenId, maskPhone, toVnIso } from '@phananh/core';
import { ReferenceService, UnitRef } from '@phananh/reference';
import { TicketRow } from '@phananh/ticket-store';

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
  note: string | null;
}

export interface AttachmentRef {
  id: string;
  contentType: string;
  size: number;
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
  citizen: {
    fullName: string;
    /** The whole date (YYYY-MM-DD) in the full view; the year alone (YYYY) wherever numbers are masked. */
    dateOfBirth: string;
    citizenId: string;
    phone: string | null;
    wardCode: string | null;
  };
  dose: {
    doseNumber: number;
    vaccineCode: string | null;
    vaccinatedOn: string | null;
    wardCode: string | null;
    facilityName: string | null;
    lotNumber: string | null;
  } | null;
  description: string | null;
  version: number;
  attachments?: AttachmentRef[];
  history?: HistoryEntry[];
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
  note: string | null;
}

/**
 * Builds ticket views. Unless `full` (the single-ticket view), identity and phone numbers are
 * masked and the date of birth is the year alone: a list must not hand out the identity number
 * and birth date pairs that leaked lists are made of.
 */
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
      citizen: {
        fullName: row.citizenName,
        dateOfBirth: full ? row.citizenDob : row.citizenDob.slice(0, 4),
        citizenId: this.shown(row.citizenIdEnc, row.citizenIdMasked, full, maskCitizenId),
        phone: row.phoneEnc && this.shown(row.phoneEnc, row.phoneMasked, full, maskPhone),
        wardCode: row.citizenWardCode,
      },
      dose:
        row.doseNumber === null
          ? null
          : {
              doseNumber: row.doseNumber,
              vaccineCode: row.vaccineCode,
              vaccinatedOn: row.vaccinatedOn,
              wardCode: row.doseWardCode,
              facilityName: row.facilityName,
              lotNumber: row.lotNumber,
            },
      description: row.description,
      version: row.version,
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
      note: e.note,
    }));
  }
}
