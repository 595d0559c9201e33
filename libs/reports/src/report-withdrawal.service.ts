import { Inject, Injectable } from '@nestjs/common';
import { AppError, Clock, Lang, PiiCrypto, validationError } from '@phananh/core';
import { TicketStore, isOpen } from '@phananh/ticket-store';
import { LookupReportDto } from './dto/lookup-report.dto';
import { PublicReportDto } from './dto/report-views.dto';
import { ReportLookupService } from './report-lookup.service';
import { ReportRepository } from './report.repository';
import { ReportErrors, ReportValidation } from './reports.errors';
import { normalizeTrackingCode } from './tracking-code';

/** The history note of a withdrawal: the citizen acted, not an official (the entry has no actor). */
export const WITHDRAWN_NOTE = 'Người dân rút lại phản ánh (citizen)';
const MAX_ATTEMPTS = 5;

/**
 * The citizen withdraws an open report with its tracking code and identity number, matched
 * like the lookup: a wrong pair and an unknown code are the same 404.
 */
@Injectable()
export class ReportWithdrawalService {
  constructor(
    private readonly repository: ReportRepository,
    private readonly lookups: ReportLookupService,
    private readonly tickets: TicketStore,
    private readonly pii: PiiCrypto,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Withdraws the report and answers its public view, now WITHDRAWN. */
  async withdraw(query: LookupReportDto, lang: Lang): Promise<PublicReportDto> {
    const code = normalizeTrackingCode(query.trackingCode);
    if (!code) {
      throw validationError([ReportValidation.fieldError('trackingCode', 'TRACKING_CODE_INVALID')]);
    }
    const citizenIdHash = this.pii.blindIndex(query.citizenId);
    for (let attempt = 1; ; attempt++) {
      const ticket = await this.repository.findForWithdrawal(code, citizenIdHash);
      if (!ticket) throw new AppError(ReportErrors.REPORT_NOT_FOUND);
      if (!isOpen(ticket.status)) throw new AppError(ReportErrors.REPORT_CLOSED);
      // An official acted between the read and the write: read it again.
      if (await this.tickets.withdraw(ticket, this.clock.now(), WITHDRAWN_NOTE)) break;
      if (attempt >= MAX_ATTEMPTS) throw new Error('Withdrawal kept losing to concurrent changes');
    }
    return this.lookups.lookup({ trackingCode: code, citizenId: query.citizenId }, lang);
  }
}
