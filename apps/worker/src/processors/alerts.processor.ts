import { Injectable } from '@nestjs/common';
import { AlertDispatcher, AlertEmailService, EventWebhooksService, WebhooksService } from '@phananh/alerts';
import { JobHandler, JobName, JobOutcome, JobPayloads } from '@phananh/queue';

/** The delivery queues' handlers: dispatch only, the channels live in libs/alerts. */
@Injectable()
export class AlertsProcessor {
  constructor(
    private readonly email: AlertEmailService,
    private readonly webhooks: WebhooksService,
    private readonly dispatcher: AlertDispatcher,
    private readonly eventWebhooks: EventWebhooksService,
  ) {}

  @JobHandler(JobName.AlertEmail)
  sendEmail(data: JobPayloads[JobName.AlertEmail]): Promise<JobOutcome> {
    return this.email.send(data.alertId);
  }

  @JobHandler(JobName.WebhookDeliver)
  deliverWebhook(data: JobPayloads[JobName.WebhookDeliver]): Promise<JobOutcome> {
    return this.webhooks.deliver(data.deliveryId, data.round);
  }

  /** One attempt of a lifecycle (CloudEvents) webhook delivery; its deliveries are written by the relay's sink. */
  @JobHandler(JobName.EventWebhookDeliver)
  deliverEventWebhook(data: JobPayloads[JobName.EventWebhookDeliver]): Promise<JobOutcome> {
    return this.eventWebhooks.deliver(data.deliveryId, data.round);
  }

  @JobHandler(JobName.DeliveryRepair)
  repairDeliveries(): Promise<JobOutcome> {
    return this.dispatcher.repair();
  }
}
