import { Injectable } from '@nestjs/common';
import { AppError, Lang, PiiCrypto, toVnIso, validationError } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { REJECTION_NEXT_STEP, rejectionReason } from '@phananh/tickets';
import { TicketStatus } from '@phananh/ticket-store';
import { LookupReportDto } from './dto/lookup-report.dto';
import { PublicReportDto } from './dto/report-views.dto';
import { ReportRepository } from './report.repository';
import { ReportErrors, ReportValidation } from './reports.errors';
import { normalizeTrackingCode } from './tracking-code';
import { normalizeMobile } from './validation/phone';

/**
 * The citizen's status lookup: the tracking code and the identity number together, or
 * nothing. A merged report says which report to follow only to whoever also gives the phone
 * on file for that report.
 */
@Injectable()
export class ReportLookupService {
  constructor(
    private readonly repository: ReportRepository,
    private readonly reference: ReferenceService,
    private readonly pii: PiiCrypto,
  ) {}

  async lookup(query: LookupReportDto, lang: Lang): Promise<PublicReportDto> {
    // A typo is caught by the check symbol without touching the database, and says nothing about any report.
    const code = normalizeTrackingCode(query.trackingCode);
    if (!code) {
      throw validationError([ReportValidation.fieldError('trackingCode', 'TRACKING_CODE_INVALID')]);
    }
    let phoneHash: Buffer | null = null;
    if (query.phone !== undefined) {
      const phone = normalizeMobile(query.phone);
      if ('problem' in phone) throw validationError([ReportValidation.fieldError('phone', phone.problem)]);
      phoneHash = this.pii.blindIndex(phone.phone);
    }
    const row = await this.repository.findPublic(code, this.pii.blindIndex(query.citizenId), phoneHash);
    if (!row) throw new AppError(ReportErrors.REPORT_NOT_FOUND);
    const reason = row.rejectionReasonCode ? rejectionReason(row.rejectionReasonCode) : undefined;
    return {
      trackingCode: row.trackingCode,
      status: row.status,
      mergedInto: row.mergedInto,
      assignedUnit: this.reference.unitRef(row.unitCode),
      receivedAt: toVnIso(row.receivedAt),
      dueAt: toVnIso(row.dueAt),
      resolution: row.status === TicketStatus.Resolved ? row.resolution : null,
      rejection:
        row.status === TicketStatus.Rejected && row.rejectionReasonCode
          ? {
              code: row.rejectionReasonCode,
              reason: reason?.text[lang] ?? row.rejectionReasonCode,
              note: row.rejectionNote,
              nextStep: (reason?.nextStep ?? REJECTION_NEXT_STEP)[lang],
            }
          : null,
      timeline: row.timeline.map((e) => ({
        at: toVnIso(new Date(e.at)),
        action: e.action,
        unitName: e.unitCode ? this.reference.unitRef(e.unitCode).name : null,
      })),
    };
  }
}
