import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiInternalServerErrorResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { AuditAction, AuditLog } from '@phananh/audit';
import { AppError, langFrom } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { AttachmentStore } from '@phananh/reports';
import {
  BULK_MAX_ITEMS,
  BulkActions,
  ReplyTemplates,
  TicketErrors,
  TicketQueue,
  TicketsService,
  WorkflowAction,
} from '@phananh/tickets';
import { ClientAddress } from '../http/client-address';
import { problemType } from '../http/problem';
import {
  BulkActionDto,
  CommentDto,
  MergeDto,
  QueueQueryDto,
  ReasonDto,
  RejectDto,
  ResolveDto,
  TransferDto,
} from './ticket.dto';
import { BulkAnswerView, QueuePageView, TicketDetailView } from './ticket.views';

const NOT_FOUND = 'No such ticket, or outside your reach (indistinguishable)';
const CONFLICT = 'Not allowed in the current status, or changed by someone else meanwhile';

@ApiTags('officials')
@Controller('api/v1/tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queue: TicketQueue,
    private readonly store: AttachmentStore,
    private readonly audit: AuditLog,
    private readonly bulk: BulkActions,
    private readonly templates: ReplyTemplates,
  ) {}

  @Post('bulk')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: `One action on up to ${BULK_MAX_ITEMS} tickets, each on its own: start, resolve, reject, defer or transfer`,
    description:
      'Each ticket is acted on exactly as by its single action (same checks, history entry, version bump), and only if ' +
      'it still has the `version` given with it. The answer lists every item in the order sent: its new status and ' +
      'version, or its problem (`ticket-not-found` for a ticket unknown or outside your reach, alike; ' +
      '`ticket-changed`; `transition-not-allowed`; …). A bad request (more than 200 items, a ticket twice, a missing ' +
      'parameter, an unknown transfer unit, OTHER without a note) is refused whole with 400 and nothing is done.',
  })
  @ApiOkResponse({ type: BulkAnswerView })
  @ApiBadRequestResponse({ description: 'Refused whole: nothing was done' })
  async bulkAction(
    @CurrentUser() user: AuthUser,
    @Body() body: BulkActionDto,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<BulkAnswerView> {
    const lang = langFrom(acceptLanguage);
    const { action, items, ...params } = body;
    const results = await this.bulk.run(user, action, items, params, lang);
    return {
      action,
      done: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      results: results.map((r) =>
        r.ok
          ? { trackingCode: r.trackingCode, ok: true, status: r.status, version: r.version }
          : {
              trackingCode: r.trackingCode,
              ok: false,
              problem: {
                type: problemType(r.error.def.code),
                // A per-ticket validation refusal (e.g. TRANSFER_SAME_UNIT) by its field code.
                code: r.error.fieldErrors[0]?.code ?? r.error.def.code,
                status: r.error.def.status,
                title: r.error.fieldErrors[0]?.message[lang] ?? r.error.def.title[lang],
              },
            },
      ),
    };
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Your queue: tickets in your reach, most urgent first (identity numbers masked, years of birth only)',
    description: 'Each page served is recorded in the audit log (who, the filters, the tracking codes served).',
  })
  @ApiOkResponse({ type: QueuePageView })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() q: QueueQueryDto,
    @ClientAddress() clientAddress: string | null,
  ): Promise<QueuePageView> {
    const limit = q.limit ?? 50;
    const page = await this.queue.list(user, {
      status: q.status,
      overdue: q.overdue === 'true',
      unitCode: q.unitCode,
      campaign: q.campaign,
      issueType: q.issueType,
      assignee: q.assignee,
      cursor: q.cursor,
      limit,
    });
    await this.audit.record({
      action: AuditAction.QueuePage,
      actor: user,
      ticketCodes: page.items.map((i) => i.trackingCode),
      // The filters as asked, whether a cursor was given (not the cursor: a position, of no use here), the limit.
      query: {
        status: q.status,
        overdue: q.overdue,
        unitCode: q.unitCode,
        campaign: q.campaign,
        issueType: q.issueType,
        assignee: q.assignee,
        cursor: q.cursor !== undefined,
        limit,
      },
      clientAddress,
    });
    return page;
  }

  @Get(':trackingCode')
  @Auth()
  @ApiOperation({
    summary: 'The whole ticket with its history; the identity number is shown in full (and that is logged)',
    description: 'Each view is recorded in the ticket history (IDENTITY_VIEWED) and in the audit log.',
  })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async detail(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<TicketDetailView> {
    const view = await this.tickets.detail(user, code);
    await this.audit.record({
      action: AuditAction.IdentityViewed,
      actor: user,
      ticketCodes: [view.trackingCode],
      clientAddress,
    });
    return view;
  }

  @Get(':trackingCode/attachments/:id')
  @Auth()
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({
    summary: 'An attached file (the photo of the paper proof), decrypted',
    description:
      'Images as re-encoded at intake (upright, no metadata), PDFs as sent. A stored file that fails its integrity ' +
      'check is never served: 500 problem with an errorId. ' +
      'Each download is recorded in the audit log (who, the tracking code, the file).',
  })
  @ApiProduces('image/jpeg', 'image/png', 'application/pdf')
  @ApiOkResponse({
    description: 'The file, with its stored content type',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiInternalServerErrorResponse({ description: 'The stored file failed its integrity check (tampered or damaged)' })
  async attachment(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Param('id') id: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<StreamableFile> {
    const file = await this.tickets.attachment(user, code, id);
    // A missing file is 404; one that fails its integrity check (AttachmentIntegrityError) is a
    // 500 with an errorId, logged, and never a byte of it sent.
    const opened = await this.store.open(file.storageKey, file.sha256).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'ENOENT') throw new AppError(TicketErrors.ATTACHMENT_NOT_FOUND);
      throw err;
    });
    try {
      await this.audit.record({
        action: AuditAction.AttachmentDownloaded,
        actor: user,
        ticketCodes: [code], // as stored: the lookup matched it exactly
        details: { attachmentId: file.id },
        clientAddress,
      });
    } catch (err) {
      opened.stream.destroy();
      throw err;
    }
    return new StreamableFile(opened.stream, { type: file.contentType, length: opened.size, disposition: 'inline' });
  }

  @Post(':trackingCode/start')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Take the ticket: ASSIGNED or DEFERRED → IN_PROGRESS' })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  start(@CurrentUser() user: AuthUser, @Param('trackingCode') code: string): Promise<TicketDetailView> {
    return this.tickets.act(user, code, { action: WorkflowAction.Start });
  }

  @Post(':trackingCode/resolve')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'The record was corrected (→ RESOLVED); the text written, or a reply template' })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  async resolve(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: ResolveDto,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<TicketDetailView> {
    const resolution =
      body.templateId === undefined
        ? body.resolution!
        : await this.templates.fill(user, body, 'resolution', langFrom(acceptLanguage));
    return this.tickets.act(user, code, { action: WorkflowAction.Resolve, resolution });
  }

  @Post(':trackingCode/defer')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Needs more checking (→ DEFERRED); still open, the deadline keeps running' })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  defer(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: ReasonDto,
  ): Promise<TicketDetailView> {
    return this.tickets.act(user, code, { action: WorkflowAction.Defer, reason: body.reason });
  }

  @Post(':trackingCode/reject')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary:
      'Cannot be acted on (→ REJECTED), with a standard reason; OTHER needs a note; the note may be a reply template',
  })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  async reject(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: RejectDto,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<TicketDetailView> {
    const note =
      body.templateId === undefined
        ? body.note
        : await this.templates.fill(user, body, 'note', langFrom(acceptLanguage));
    return this.tickets.act(user, code, { action: WorkflowAction.Reject, reasonCode: body.reasonCode, note });
  }

  @Post(':trackingCode/transfer')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Routed to the wrong unit: goes to another unit of your province as ASSIGNED; deadline unchanged',
  })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  transfer(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: TransferDto,
  ): Promise<TicketDetailView> {
    return this.tickets.act(user, code, {
      action: WorkflowAction.Transfer,
      unitCode: body.unitCode,
      reason: body.reason,
    });
  }

  @Post(':trackingCode/comments')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'An internal note in the history' })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  comment(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: CommentDto,
  ): Promise<TicketDetailView> {
    return this.tickets.act(user, code, { action: WorkflowAction.Comment, text: body.text });
  }

  @Post(':trackingCode/reopen')
  @HttpCode(200)
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({
    summary: 'Supervisors: RESOLVED or REJECTED → ASSIGNED, with a new deadline (48 h, capped by the campaign cutoff)',
  })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  reopen(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: ReasonDto,
  ): Promise<TicketDetailView> {
    return this.tickets.act(user, code, { action: WorkflowAction.Reopen, reason: body.reason });
  }

  @Post(':trackingCode/merge')
  @HttpCode(200)
  @Auth()
  @ApiOperation({
    summary: 'Fold this open report into another open report of the same citizen it is linked to (→ MERGED)',
    description:
      'Any official in reach of both. This report ends MERGED, pointing at the kept one, closed and off the SLA ' +
      'ladder; its history and files stay (the kept report lists its files too). The kept report changes only by a ' +
      'history entry. 404 `merge-target-not-found` for a kept report unknown or outside your reach (alike); 409 ' +
      '`merge-other-citizen`, `merge-not-linked`, `merge-target-closed`, `transition-not-allowed` (this report is ' +
      'closed), `ticket-changed` (either report changed meanwhile: nothing was written).',
  })
  @ApiOkResponse({ type: TicketDetailView, description: 'The merged report, as it now is' })
  @ApiBadRequestResponse({ description: '`into` names this same report (MERGE_SAME_TICKET), or a bad body' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  merge(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: MergeDto,
  ): Promise<TicketDetailView> {
    return this.tickets.act(user, code, { action: WorkflowAction.Merge, into: body.into, note: body.note });
  }
}
