import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertEmailService } from './alert-email.service';
import { AlertWriter } from './alert-writer';
import { AlertsService } from './alerts.service';
import { WebhooksService } from './webhooks.service';
import { EventWebhooksService } from './event-webhooks.service';
import { EventWebhookSink } from './event-webhook.sink';

/** Alert records and their channels (in-app, e-mail, signed webhooks), and the lifecycle (CloudEvents) webhooks. */
@Module({
  imports: [AuditModule],
  providers: [
    AlertWriter,
    AlertDispatcher,
    AlertsService,
    AlertEmailService,
    WebhooksService,
    EventWebhooksService,
    EventWebhookSink,
  ],
  exports: [AlertWriter, AlertDispatcher, AlertsService, AlertEmailService, WebhooksService, EventWebhooksService],
})
export class AlertsModule {}
