import { once } from 'node:events';
import { PassThrough, Readable, Writable } from 'node:stream';
import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { AuditAction, AuditLog } from '@phananh/audit';
import { AppError, CommonErrors } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role, unitInReach } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { SlaFigures, SlaSummaryService, SummaryScope } from '@phananh/sla';
import { TicketQueue, TicketView } from '@phananh/tickets';
import { ClientAddress } from '../http/client-address';
import { SlaSummaryQueryDto } from '../sla/sla.dto';
import { ExportQueryDto } from './export.dto';

const NOT_FOUND = 'No such unit, or outside your reach (indistinguishable)';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Tickets read per query: one keyset page of the queue's own index, so memory stays bounded whatever the count. */
export const EXPORT_BATCH = 1_000;

const STATUS_VI: Record<string, string> = {
  ASSIGNED: 'Chờ xử lý',
  IN_PROGRESS: 'Đang xử lý',
  DEFERRED: 'Xử lý sau',
  RESOLVED: 'Đã xử lý',
  REJECTED: 'Từ chối',
  MERGED: 'Đã gộp',
  WITHDRAWN: 'Đã rút',
};

const ISSUE_VI: Record<string, string> = {
  MISSING_DOSE: 'Thiếu mũi tiêm',
  WRONG_DOSE_INFO: 'Sai thông tin mũi tiêm',
  WRONG_PERSONAL_INFO: 'Sai thông tin cá nhân',
  DUPLICATE_RECORD: 'Trùng hồ sơ',
  OTHER: 'Khác',
};

/**
 * The columns of the ticket list. The identity number is the masked one the queue shows;
 * there is no phone column at all (an export leaves the system; a phone is never in a list).
 */
export const TICKET_COLUMNS: { header: string; width: number; value: (t: TicketView) => string | number }[] = [
  { header: 'Mã phản ánh', width: 14, value: (t) => t.trackingCode },
  { header: 'Trạng thái', width: 12, value: (t) => STATUS_VI[t.status] ?? t.status },
  { header: 'Loại phản ánh', width: 22, value: (t) => ISSUE_VI[t.issueType] ?? t.issueType },
  { header: 'Tiếp nhận lúc', width: 20, value: (t) => localTime(t.receivedAt) },
  { header: 'Hạn xử lý', width: 20, value: (t) => localTime(t.dueAt) },
  { header: 'Quá hạn từ', width: 20, value: (t) => (t.overdueSince ? localTime(t.overdueSince) : '') },
  { header: 'Trễ hạn chót', width: 10, value: (t) => (t.cutoffMissed ? 'Có' : 'Không') },
  { header: 'Đợt rà soát', width: 10, value: (t) => t.campaign ?? '' },
  { header: 'Mã đơn vị', width: 9, value: (t) => t.assignedUnit.code },
  { header: 'Đơn vị xử lý', width: 32, value: (t) => t.assignedUnit.name },
  { header: 'Họ tên', width: 24, value: (t) => t.citizen.fullName ?? '' },
  { header: 'Năm sinh', width: 8, value: (t) => t.citizen.dateOfBirth ?? '' },
  { header: 'Số định danh (đã che)', width: 16, value: (t) => t.citizen.citizenId ?? '' },
  { header: 'Mũi tiêm', width: 8, value: (t) => t.dose?.doseNumber ?? '' },
  { header: 'Vắc xin', width: 12, value: (t) => t.dose?.vaccineCode ?? '' },
  { header: 'Ngày tiêm', width: 11, value: (t) => t.dose?.vaccinatedOn ?? '' },
];

const FIGURE_COLUMNS: { header: string; width: number; value: (f: SlaFigures) => string | number }[] = [
  { header: 'Tiếp nhận', width: 10, value: (f) => f.received },
  { header: 'Đang mở', width: 10, value: (f) => f.open },
  { header: 'Quá hạn', width: 10, value: (f) => f.overdue },
  { header: 'Xử lý đúng hạn', width: 14, value: (f) => f.resolvedOnTime },
  { header: 'Xử lý trễ hạn', width: 14, value: (f) => f.resolvedLate },
  { header: 'Từ chối', width: 10, value: (f) => f.rejected },
  { header: 'Tỷ lệ đúng hạn', width: 14, value: (f) => f.onTimeRate ?? '' },
  { header: 'Nguy cơ không kịp hạn chót', width: 14, value: (f) => (f.atRisk ? 'Có' : 'Không') },
];

/** `2021-11-05T08:00:00.000+07:00` as Excel users read it: `2021-11-05 08:00` (Viet Nam time, as every instant). */
const localTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/**
 * Exports officials open in Excel: the ticket list (the queue's filters and reach) and the
 * SLA figures, as CSV (UTF-8 with BOM, CRLF) or XLSX. The list is read in keyset batches of
 * EXPORT_BATCH along the queue's own index and written as it is read, waiting for the client
 * whenever the socket's buffer is full: 100,000 rows never sit in memory at once.
 */
@ApiTags('sla')
@Controller('api/v1/exports')
@Auth()
export class ExportsController {
  constructor(
    private readonly queue: TicketQueue,
    private readonly summaries: SlaSummaryService,
    private readonly reference: ReferenceService,
    private readonly audit: AuditLog,
  ) {}

  @Get('tickets.csv')
  @ApiOperation({
    summary: 'Your ticket list as CSV (UTF-8 with BOM): the queue filters and reach, identity numbers masked, no phone',
    description:
      'Streamed in batches, most urgent first. A unitCode outside your reach is 404. Each export is recorded in the audit log.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv; charset=utf-8' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @Header('Cache-Control', 'no-store')
  async ticketsCsv(
    @CurrentUser() user: AuthUser,
    @Query() q: ExportQueryDto,
    @Res() reply: FastifyReply,
    @ClientAddress() clientAddress: string | null,
  ): Promise<void> {
    const batches = await this.ticketExport(user, q, 'tickets.csv', clientAddress);
    // Bytes, not object mode: the stream holds 16 kB (not 16 batches) before it waits for the socket.
    const body = Readable.from(csvChunks(batches), { objectMode: false });
    sendFile(reply, 'text/csv; charset=utf-8', fileName('phan-anh', user, q.unitCode, 'csv'), body);
  }

  @Get('tickets.xlsx')
  @ApiOperation({
    summary: 'Your ticket list as an Excel workbook: the queue filters and reach, identity numbers masked, no phone',
    description:
      "Written with exceljs's streaming writer in batches. A unitCode outside your reach is 404. Audited as the CSV.",
  })
  @ApiProduces(XLSX)
  @ApiOkResponse({ description: 'An XLSX workbook with one sheet, "Phản ánh"' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @Header('Cache-Control', 'no-store')
  async ticketsXlsx(
    @CurrentUser() user: AuthUser,
    @Query() q: ExportQueryDto,
    @Res() reply: FastifyReply,
    @ClientAddress() clientAddress: string | null,
  ): Promise<void> {
    const batches = await this.ticketExport(user, q, 'tickets.xlsx', clientAddress);
    await sendWorkbook(reply, fileName('phan-anh', user, q.unitCode, 'xlsx'), async (out) => {
      const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      const sheet = book.addWorksheet('Phản ánh', { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = TICKET_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      for await (const batch of batches) {
        for (const t of batch) sheet.addRow(TICKET_COLUMNS.map((c) => c.value(t))).commit();
        // The rows went to the zip stream, which writes to `out`: wait while the client is behind.
        await drained(out);
      }
      sheet.commit();
      await book.commit();
    });
  }

  @Get('figures.xlsx')
  @ApiOperation({
    summary: 'The SLA figures (as GET /sla/summary) as an Excel workbook, a row per unit and a row of totals',
    description: 'The CSV of the same figures is GET /sla/summary.csv. Audited as that one.',
  })
  @ApiProduces(XLSX)
  @ApiOkResponse({ description: 'An XLSX workbook with one sheet, "Số liệu"' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @Header('Cache-Control', 'no-store')
  async figuresXlsx(
    @CurrentUser() user: AuthUser,
    @Query() q: SlaSummaryQueryDto,
    @Res() reply: FastifyReply,
    @ClientAddress() clientAddress: string | null,
  ): Promise<void> {
    const scope = this.summaryScope(user, q.unitCode);
    const s = await this.summaries.summary(scope, q.campaign);
    await this.audit.record({
      action: AuditAction.Export,
      actor: user,
      query: { export: 'figures.xlsx', unitCode: s.unit?.code ?? null, campaign: s.campaign },
      clientAddress,
    });
    await sendWorkbook(reply, fileName('so-lieu', user, q.unitCode, 'xlsx'), async (out) => {
      const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      const sheet = book.addWorksheet('Số liệu', { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = [
        { header: 'Mã đơn vị', width: 9 },
        { header: 'Đơn vị', width: 36 },
        ...FIGURE_COLUMNS.map((c) => ({ header: c.header, width: c.width })),
      ];
      sheet.getRow(1).font = { bold: true };
      for (const r of s.rows) sheet.addRow([r.unit.code, r.unit.name, ...FIGURE_COLUMNS.map((c) => c.value(r))]);
      const total = sheet.addRow([
        s.unit?.code ?? '',
        `Tổng cộng${s.unit ? ` — ${s.unit.name}` : ''}`,
        ...FIGURE_COLUMNS.map((c) => c.value(s.total)),
      ]);
      total.font = { bold: true };
      sheet.commit();
      await book.commit();
    });
  }

  /**
   * What both ticket exports do before their first byte: the reach, the audit row, and the
   * first batch, so that a database that cannot be reached is still the usual problem+json
   * (503, Retry-After) rather than a cut download.
   */
  private async ticketExport(
    user: AuthUser,
    q: ExportQueryDto,
    name: 'tickets.csv' | 'tickets.xlsx',
    clientAddress: string | null,
  ): Promise<AsyncGenerator<TicketView[]>> {
    this.checkReach(user, q.unitCode);
    await this.record(user, name, q, clientAddress);
    return this.batches(user, q);
  }

  /** The queue's pages, EXPORT_BATCH at a time, until the last; the first is read before this returns. */
  private async batches(user: AuthUser, q: ExportQueryDto): Promise<AsyncGenerator<TicketView[]>> {
    const read = (cursor?: string) =>
      this.queue.list(user, {
        status: q.status,
        overdue: q.overdue === 'true',
        unitCode: q.unitCode,
        campaign: q.campaign,
        issueType: q.issueType,
        assignee: q.assignee,
        cursor,
        limit: EXPORT_BATCH,
      });
    let page = await read();
    return (async function* () {
      for (;;) {
        if (page.items.length) yield page.items;
        if (!page.nextCursor) return;
        page = await read(page.nextCursor);
      }
    })();
  }

  /** Unlike the queue (an empty page), an export of a unit outside the reach is 404, as the figures are. */
  private checkReach(user: AuthUser, unitCode: string | undefined): void {
    if (unitCode && !unitInReach(user, unitCode, this.reference)) throw new AppError(CommonErrors.NOT_FOUND);
    if (!unitCode && !user.unitCode && user.role !== Role.Admin) throw new AppError(CommonErrors.NOT_FOUND);
  }

  private summaryScope(user: AuthUser, unitCode: string | undefined): SummaryScope {
    const code = unitCode ?? user.unitCode;
    if (!code) {
      if (user.role !== Role.Admin) throw new AppError(CommonErrors.NOT_FOUND);
      return { kind: 'country' };
    }
    const unit = this.reference.unit(code);
    if (!unit || !unitInReach(user, code, this.reference)) throw new AppError(CommonErrors.NOT_FOUND);
    return { kind: user.role === Role.Officer ? 'own' : 'subtree', unit };
  }

  private record(user: AuthUser, name: string, q: ExportQueryDto, clientAddress: string | null): Promise<void> {
    return this.audit.record({
      action: AuditAction.Export,
      actor: user,
      query: {
        export: name,
        unitCode: q.unitCode ?? user.unitCode ?? null,
        status: q.status,
        overdue: q.overdue,
        campaign: q.campaign,
        issueType: q.issueType,
      },
      clientAddress,
    });
  }
}

/** The ticket list as CSV, a chunk per batch: the BOM and the header first, CRLF line ends (as Excel reads them). */
async function* csvChunks(batches: AsyncIterable<TicketView[]>): AsyncGenerator<string> {
  yield `\uFEFF${stringify([TICKET_COLUMNS.map((c) => c.header)], { record_delimiter: 'windows' })}`;
  for await (const batch of batches) {
    yield stringify(
      batch.map((t) => TICKET_COLUMNS.map((c) => c.value(t))),
      { record_delimiter: 'windows' },
    );
  }
}

/** The client went away mid-export: stop reading the database. */
class ClientGone extends Error {}

/** Waits until `out` has room (the client has read what it holds); throws ClientGone once it is closed. */
async function drained(out: Writable): Promise<void> {
  if (out.destroyed) throw new ClientGone();
  if (!out.writableNeedDrain) return;
  const ac = new AbortController();
  try {
    const ok = await Promise.race([
      once(out, 'drain', { signal: ac.signal }).then(
        () => true,
        () => true,
      ),
      once(out, 'close', { signal: ac.signal }).then(
        () => false,
        () => true,
      ),
    ]);
    if (!ok) throw new ClientGone();
  } finally {
    ac.abort();
  }
}

/**
 * Sends a download as a stream: through Fastify's own reply, so that its hooks (the security
 * headers) still apply, and piped, so that the source is read only as fast as the client takes
 * it. Fastify writes the status with the first byte; an error of the source after that cuts the
 * connection (the client sees a truncated download, never a file that looks complete), and a
 * client that leaves destroys the source.
 */
function sendFile(reply: FastifyReply, type: string, name: string, body: Readable): void {
  reply.status(200).type(type).header('Content-Disposition', `attachment; filename="${name}"`).send(body);
}

/** Sends the workbook that `write` writes to its stream (exceljs's streaming writer writes, it is not read). */
async function sendWorkbook(
  reply: FastifyReply,
  name: string,
  write: (out: PassThrough) => Promise<void>,
): Promise<void> {
  const out = new PassThrough();
  sendFile(reply, XLSX, name, out);
  try {
    await write(out);
  } catch (err) {
    // A client that left ends the export quietly; anything else cuts the download (see sendFile).
    if (!(err instanceof ClientGone)) out.destroy(err as Error);
  }
}

function fileName(kind: string, user: AuthUser, unitCode: string | undefined, ext: string): string {
  return `${kind}-${unitCode ?? user.unitCode ?? 'ca-nuoc'}.${ext}`.replace(/[^\w.-]/g, '_');
}
