/**
 * Queue names. These values are persisted in Redis (they are part of every key):
 * never rename one without a plan to drain the old queue.
 */
export enum QueueName {
  Sla = 'sla',
  Alerts = 'alerts',
  Webhooks = 'webhooks',
  Maintenance = 'maintenance',
  /** The ticket-event relay and its sinks' redelivery. */
  Events = 'events',
  /** Messages to citizens (SMS, e-mail). */
  Messages = 'messages',
}
