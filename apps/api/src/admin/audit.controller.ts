import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@phananh/audit';
import { Auth, Role } from '@phananh/identity';
import { AuditPageView, AuditQueryDto } from './audit.dto';

/**
 * The audit log, for admins. Every admin reads all of it for now; issue 14 scopes it for
 * provincial admins (rows whose actor belongs to the province, or that name its tickets).
 */
@ApiTags('admin')
@Controller('api/v1/admin')
@Auth(Role.Admin)
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get('audit')
  @ApiOperation({
    summary: 'Who saw what: views of full identity numbers, proof downloads, exports and queue pages, newest first',
    description:
      'Filters combine with AND: `actor` (username), `action`, `ticket` (rows naming the tracking code), `from` ' +
      '(inclusive) and `to` (exclusive). Keyset pages: `limit` 1–100 (default 50), `cursor` = the previous `nextCursor`.',
  })
  @ApiOkResponse({ type: AuditPageView })
  list(@Query() q: AuditQueryDto): Promise<AuditPageView> {
    return this.audit.list({
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
