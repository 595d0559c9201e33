import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { EventWebhooksService } from '@phananh/alerts';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { ClientAddress } from '../http/client-address';
import {
  CreateEventWebhookDto,
  DeliveryListQueryDto,
  EventDeliveryPageView,
  EventDeliveryView,
  EventWebhookView,
  PersonalDataFlagDto,
} from './webhook.dto';

@ApiTags('admin')
@Controller('api/v1/admin')
@Auth(Role.Admin)
export class EventWebhooksController {
  constructor(private readonly webhooks: EventWebhooksService) {}

  @Post('event-webhooks')
  @ApiOperation({
    summary: 'Subscribe a system to ticket lifecycle events, sent as CloudEvents 1.0 (structured JSON), signed',
    description:
      'Body: one CloudEvent (`application/cloudevents+json`; `type` vn.phananh.ticket.<event>, `subject` the Open311 ' +
      'service_request_id). Headers `X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`, ' +
      '`X-Delivery-Id` (the same on every attempt). Retried and kept as DEAD like the alert webhooks. No personal ' +
      'data unless an admin sets the flag (POST …/personal-data).',
  })
  @ApiCreatedResponse({ type: EventWebhookView })
  register(@CurrentUser() admin: AuthUser, @Body() body: CreateEventWebhookDto): Promise<EventWebhookView> {
    return this.webhooks.register(body, admin.id);
  }

  @Get('event-webhooks')
  @ApiOperation({ summary: 'Lifecycle-event subscriptions (never their secrets)' })
  @ApiOkResponse({ type: [EventWebhookView] })
  list(): Promise<EventWebhookView[]> {
    return this.webhooks.list();
  }

  @Post('event-webhooks/:id/personal-data')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set or clear the personal-data flag of a subscription (audited: EVENT_WEBHOOK_PERSONAL_DATA)',
    description:
      'With the flag, each event also carries `data.personalData`: the tracking code, the identity number and the ' +
      'dose data. Read at each attempt: clearing it stops personal data at once, for pending deliveries too.',
  })
  @ApiOkResponse({ type: EventWebhookView })
  @ApiNotFoundResponse({ description: 'No such subscription' })
  setPersonalData(
    @CurrentUser() admin: AuthUser,
    @Param('id') id: string,
    @Body() body: PersonalDataFlagDto,
    @ClientAddress() clientAddress: string | null,
  ): Promise<EventWebhookView> {
    return this.webhooks.setPersonalData(id, body.includePersonalData, { actor: admin, clientAddress });
  }

  @Get('event-webhook-deliveries')
  @ApiOperation({ summary: 'Lifecycle-event deliveries, oldest first; `status=DEAD` lists those that gave up' })
  @ApiOkResponse({ type: EventDeliveryPageView })
  deliveries(@Query() q: DeliveryListQueryDto): Promise<EventDeliveryPageView> {
    return this.webhooks.deliveries({ status: q.status, limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Post('event-webhook-deliveries/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a dead lifecycle-event delivery again, with a fresh round of attempts' })
  @ApiOkResponse({ type: EventDeliveryView })
  @ApiNotFoundResponse({ description: 'No such delivery' })
  @ApiConflictResponse({ description: 'The delivery is not dead' })
  retry(@Param('id') id: string): Promise<EventDeliveryView> {
    return this.webhooks.retry(id);
  }
}
