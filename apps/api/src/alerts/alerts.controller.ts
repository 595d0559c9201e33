import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlertsService } from '@phananh/alerts';
import { Auth, AuthUser, CurrentUser } from '@phananh/identity';
import { AlertListQueryDto, AlertPageView, AlertView } from './alert.dto';

@ApiTags('alerts')
@Controller('api/v1/alerts')
@Auth()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Your alerts, newest first (with `unacknowledged=true`, only those not yet acknowledged)' })
  @ApiOkResponse({ type: AlertPageView })
  list(@CurrentUser() user: AuthUser, @Query() q: AlertListQueryDto): Promise<AlertPageView> {
    return this.alerts.list(user.id, {
      unacknowledged: q.unacknowledged === 'true',
      limit: q.limit ?? 50,
      cursor: q.cursor,
    });
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge one of your alerts (again: no change)' })
  @ApiOkResponse({ type: AlertView })
  @ApiNotFoundResponse({ description: 'No such alert, or not yours (indistinguishable)' })
  acknowledge(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<AlertView> {
    return this.alerts.acknowledge(user.id, id);
  }
}
