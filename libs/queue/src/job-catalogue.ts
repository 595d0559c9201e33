import { QueueName } from './queue-names';

/** Every job the worker runs. Values are persisted in Redis: never rename. */
export enum JobName {
  /** Removes expired idempotency keys and other leftovers (repeatable). */
  Cleanup = 'cleanup',
  /** Fires every SLA stage that has come due (repeatable, every SLA_SWEEP_INTERVAL_MS of real time). */
  SlaSweep = 'sla-sweep',
  /** A campaign's cutoff: flags its open tickets and sends one summary per province (delayed to the cutoff). */
  CampaignCutoff = 'campaign-cutoff',
  /** Sends one alert's e-mail. */
  AlertEmail = 'alert-email',
  /** One attempt of one webhook delivery. */
  WebhookDeliver = 'webhook-deliver',
  /** Re-enqueues e-mails and deliveries still PENDING in PostgreSQL (repeatable). */
  DeliveryRepair = 'delivery-repair',
  /** Erases the personal data of tickets past RETENTION_DAYS, and their proof files (repeatable). */
  PiiRetention = 'pii-retention',
  /** Drains the ticket-event outbox into the sinks (repeatable, every RELAY_INTERVAL_MS). */
  TicketEventRelay = 'ticket-event-relay',
  /** Every relay sink re-enqueues its deliveries still pending in PostgreSQL (repeatable). */
  RelayRedeliver = 'relay-redeliver',
  /** One attempt of one lifecycle-event (CloudEvents) webhook delivery; BullMQ retries with back-off. */
  EventWebhookDeliver = 'event-webhook-deliver',
  /** One attempt of one message to a citizen (SMS or e-mail). */
  CitizenMessage = 'citizen-message',
  /** The lost-code SMS: the codes of a citizen's open reports, to the phone on file. */
  ResendCodes = 'resend-codes',
  /** From 07:00 local on the service clock, each supervisor's digest of the day not sent yet (repeatable). */
  MorningDigest = 'morning-digest',
}

/** A job's payload: ids and instants only, never personal data. The database holds the truth. */
export interface JobPayloads {
  [JobName.Cleanup]: Record<string, never>;
  [JobName.SlaSweep]: Record<string, never>;
  /** `cutoffAt` (ISO 8601) is the cutoff the job was scheduled for: if the campaign's has moved since, the job is stale. */
  [JobName.CampaignCutoff]: { campaignCode: string; cutoffAt: string };
  [JobName.AlertEmail]: { alertId: string };
  /** `round` grows when an admin retries a dead delivery; a job of an older round is stale. */
  [JobName.WebhookDeliver]: { deliveryId: string; round: number };
  [JobName.DeliveryRepair]: Record<string, never>;
  [JobName.PiiRetention]: Record<string, never>;
  [JobName.TicketEventRelay]: Record<string, never>;
  [JobName.RelayRedeliver]: Record<string, never>;
  [JobName.EventWebhookDeliver]: { deliveryId: string; round: number };
  [JobName.CitizenMessage]: { deliveryId: string };
  /** The id of the request's row (resend_code_requests), which holds blind indexes only. */
  [JobName.ResendCodes]: { requestId: string };
  [JobName.MorningDigest]: Record<string, never>;
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Cleanup]: QueueName.Maintenance,
  [JobName.SlaSweep]: QueueName.Sla,
  [JobName.CampaignCutoff]: QueueName.Sla,
  [JobName.AlertEmail]: QueueName.Alerts,
  [JobName.WebhookDeliver]: QueueName.Webhooks,
  [JobName.DeliveryRepair]: QueueName.Alerts,
  [JobName.PiiRetention]: QueueName.Maintenance,
  [JobName.TicketEventRelay]: QueueName.Events,
  [JobName.RelayRedeliver]: QueueName.Events,
  [JobName.EventWebhookDeliver]: QueueName.Webhooks,
  [JobName.CitizenMessage]: QueueName.Messages,
  [JobName.ResendCodes]: QueueName.Messages,
  [JobName.MorningDigest]: QueueName.Alerts,
};

/**
 * Deterministic job ids: `-` separated, never `:` and never a bare integer (BullMQ rules).
 * A new instant gives a new id, so a moved deadline is never swallowed by an old job.
 */
export const jobId = {
  /** Example shape: `cutoff-<campaign>-<cutoffEpochMs>`. */
  withInstant: (kind: string, key: string, instant: Date) =>
    `${kind}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}-${instant.getTime()}`,
};
