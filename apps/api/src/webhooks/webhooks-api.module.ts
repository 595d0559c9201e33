import { Module } from '@nestjs/common';
import { AlertsModule } from '@phananh/alerts';
import { EventWebhooksController } from './event-webhooks.controller';
import { WebhooksController } from './webhooks.controller';

@Module({ imports: [AlertsModule], controllers: [WebhooksController, EventWebhooksController] })
export class WebhooksApiModule {}
