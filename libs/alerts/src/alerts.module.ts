import { Module } from '@nestjs/common';
import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertEmailService } from './alert-email.service';
import { AlertWriter } from './alert-writer';
import { AlertsService } from './alerts.service';
import { Mailer } from './mailer';
import { WebhooksService } from './webhooks.service';

/** Alert records and their channels: in-app, e-mail and signed webhooks. */
@Module({
  providers: [Mailer, AlertWriter, AlertDispatcher, AlertsService, AlertEmailService, WebhooksService],
  exports: [Mailer, AlertWriter, AlertDispatcher, AlertsService, AlertEmailService, WebhooksService],
})
export class AlertsModule {}
