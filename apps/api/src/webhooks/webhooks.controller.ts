import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { WebhooksService } from '@phananh/alerts';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { CreateWebhookDto, DeliveryListQueryDto, DeliveryPageView, DeliveryView, WebhookView } from './webhook.dto';

/**
 * Webhooks in the admin's reach: a national admin's receive every event and see every webhook;
 * a provincial admin's receive its province's events, and it sees and retries only its province's
 * webhooks (another's delivery is 404).
 */
@ApiTags('admin')
@Controller('api/v1/admin')
@Auth(Role.Admin)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('webhooks')
  @ApiOperation({
    summary: 'Register a webhook: one signed POST per alert event of the chosen kinds (not per recipient)',
    description:
      'Body `{ id, kind, occurredAt, unit, ticket, campaign, summary }`; headers `X-Signature: sha256=<hex HMAC-SHA256 ' +
      'of the raw body with the secret>` and `X-Delivery-Id` (the same on every attempt: deduplicate on it). Any 2xx ' +
      'answer is a delivery; anything else is retried with exponential back-off, then kept as DEAD.',
  })
  @ApiCreatedResponse({ type: WebhookView })
  register(@CurrentUser() admin: AuthUser, @Body() body: CreateWebhookDto): Promise<WebhookView> {
    return this.webhooks.register(body, admin);
  }

  @Get('webhooks')
  @ApiOperation({ summary: 'Registered webhooks (never their secrets)' })
  @ApiOkResponse({ type: [WebhookView] })
  list(@CurrentUser() admin: AuthUser): Promise<WebhookView[]> {
    return this.webhooks.list(admin.unitCode);
  }

  @Get('webhook-deliveries')
  @ApiOperation({ summary: 'Webhook deliveries, oldest first; `status=DEAD` lists those that gave up' })
  @ApiOkResponse({ type: DeliveryPageView })
  deliveries(@CurrentUser() admin: AuthUser, @Query() q: DeliveryListQueryDto): Promise<DeliveryPageView> {
    return this.webhooks.deliveries({
      status: q.status,
      limit: q.limit ?? 50,
      cursor: q.cursor,
      scopeUnit: admin.unitCode,
    });
  }

  @Post('webhook-deliveries/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a dead delivery again, with a fresh round of attempts' })
  @ApiOkResponse({ type: DeliveryView })
  @ApiNotFoundResponse({ description: 'No such delivery' })
  @ApiConflictResponse({ description: 'The delivery is not dead' })
  retry(@CurrentUser() admin: AuthUser, @Param('id') id: string): Promise<DeliveryView> {
    return this.webhooks.retry(id, admin.unitCode);
  }
}
