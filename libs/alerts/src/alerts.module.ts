import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertEmailService } from './alert-email.service';
import { AlertWriter } from './alert-writer';
import { AlertsService } from './alerts.service';
import { Mailer } from './mailer';
import { WebhooksService } from './webhooks.service';
import { EventWebhooksService } from './event-webhooks.service';
import { EventWebhookSink } from './event-webhook.sink';

/** Alert records and their channels (in-app, e-mail, signed webhooks), and the lifecycle (CloudEvents) webhooks. */
@Module({
  imports: [AuditModule],
  providers: [
    Mailer,
    AlertWriter,
    AlertDispatcher,
    AlertsService,
    AlertEmailService,
    WebhooksService,
    EventWebhooksService,
    EventWebhookSink,
  ],
  exports: [
    Mailer,
    AlertWriter,
    AlertDispatcher,
    AlertsService,
    AlertEmailService,
    WebhooksService,
    EventWebhooksService,
  ],
})
export class AlertsModule {}
