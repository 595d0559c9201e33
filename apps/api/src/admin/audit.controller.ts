import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@phananh/audit';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { AuditPageView, AuditQueryDto } from './audit.dto';

/**
 * The audit log, for admins. A national admin reads all of it; a provincial admin the rows
 * whose actor belongs to its province or whose subject is (now) one of its officials.
 */
@ApiTags('admin')
@Controller('api/v1/admin')
@Auth(Role.Admin)
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly reference: ReferenceService,
  ) {}

  @Get('audit')
  @ApiOperation({
    summary:
      'Who saw what and who changed which account: identity views, proof downloads, exports, queue pages and account administration, newest first (a provincial admin: its province)',
    description:
      'Filters combine with AND: `actor` (username), `action`, `ticket` (rows naming the tracking code), `from` ' +
      '(inclusive) and `to` (exclusive). Keyset pages: `limit` 1–100 (default 50), `cursor` = the previous `nextCursor`.',
  })
  @ApiOkResponse({ type: AuditPageView })
  list(@CurrentUser() actor: AuthUser, @Query() q: AuditQueryDto): Promise<AuditPageView> {
    const unit = actor.unitCode ? this.reference.unit(actor.unitCode) : undefined;
    // An admin's unit is always a known one (a foreign key); a vanished one reaches nothing rather than everything.
    const within = actor.unitCode ? { level: unit?.level ?? 'ward', code: unit?.code ?? '-' } : undefined;
    return this.audit.list({
      within,
      actor: q.actor,
      action: q.action,
      ticket: q.ticket,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to),
      cursor: q.cursor,
      limit: q.limit ?? 50,
    });
  }
}
