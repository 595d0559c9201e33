import { Module } from '@nestjs/common';
import { AlertsModule } from '@phananh/alerts';
import { WebhooksController } from './webhooks.controller';

@Module({ imports: [AlertsModule], controllers: [WebhooksController] })
export class WebhooksApiModule {}
