import { Injectable } from '@nestjs/common';
import { AlertDispatcher, AlertEmailService, WebhooksService } from '@phananh/alerts';
import { JobHandler, JobName, JobOutcome, JobPayloads } from '@phananh/queue';

/** The delivery queues' handlers: dispatch only, the channels live in libs/alerts. */
@Injectable()
export class AlertsProcessor {
  constructor(
    private readonly email: AlertEmailService,
    private readonly webhooks: WebhooksService,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  @JobHandler(JobName.AlertEmail)
  sendEmail(data: JobPayloads[JobName.AlertEmail]): Promise<JobOutcome> {
    return this.email.send(data.alertId);
  }

  @JobHandler(JobName.WebhookDeliver)
  deliverWebhook(data: JobPayloads[JobName.WebhookDeliver]): Promise<JobOutcome> {
    return this.webhooks.deliver(data.deliveryId, data.round);
  }

  @JobHandler(JobName.DeliveryRepair)
  repairDeliveries(): Promise<JobOutcome> {
    return this.dispatcher.repair();
  }
}
