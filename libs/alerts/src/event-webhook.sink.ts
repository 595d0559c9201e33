import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AfterCommit, RelayedTicketEvent, TicketEventSink, TicketEventSinkProvider } from '@phananh/ticket-store';
import { EventWebhooksService } from './event-webhooks.service';

/**
 * The relay's sink for lifecycle webhooks: writes the deliveries in the relay's transaction,
 * enqueues them after its commit, and re-enqueues the pending ones when the relay asks.
 */
@Injectable()
@TicketEventSinkProvider()
export class EventWebhookSink implements TicketEventSink {
  readonly name = 'event-webhooks';

  constructor(private readonly webhooks: EventWebhooksService) {}

  async accept(events: readonly RelayedTicketEvent[], m: EntityManager): Promise<AfterCommit | void> {
    const deliveries = await this.webhooks.recordDeliveries(events, m);
    if (deliveries.length) return () => this.webhooks.enqueue(deliveries);
  }

  redeliver(): Promise<number> {
    return this.webhooks.repair();
  }
}
