import { Injectable, Logger, Module, OnModuleInit, Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AfterCommit, TICKET_EVENT_SINK, TicketEventSink } from './relay';
import { TicketStore } from './ticket-store';
import { TicketStoreModule } from './ticket-store.module';

/** Events handed to the sinks per transaction. */
export const RELAY_BATCH = 500;
/** One relay run drains batches until the outbox is empty or this much real time is spent. */
export const RELAY_RUN_MS = 2_000;

export interface RelayRun {
  events: number;
  batches: number;
}

/**
 * Drains the ticket-event outbox into the registered sinks (relay.ts, TicketEventSink): per
 * batch one transaction that claims the events (FOR UPDATE SKIP LOCKED, deleted), lets every
 * sink write its delivery rows, and commits; then each sink's AfterCommit enqueues its jobs.
 * Any number of workers may drain at once. Redis plays no part until after the commit, so a
 * Redis outage delays only the sending, which the sinks' `redeliver` catches up.
 */
@Injectable()
export class TicketEventRelay implements OnModuleInit {
  private readonly logger = new Logger(TicketEventRelay.name);
  private sinkList: TicketEventSink[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: TicketStore,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    this.sinkList = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && this.reflector.get<boolean>(TICKET_EVENT_SINK, w.metatype as Type))
      .map((w) => w.instance as TicketEventSink);
    const names = this.sinkList.map((s) => s.name);
    if (new Set(names).size !== names.length)
      throw new Error(`Two ticket-event sinks share a name: ${names.join(', ')}`);
  }

  /** The sinks found at boot (in discovery order). */
  get sinks(): readonly TicketEventSink[] {
    return this.sinkList;
  }

  /** One batch: claimed, accepted by every sink, committed; then the sinks' after-commit work. Answers how many events. */
  async relayBatch(limit = RELAY_BATCH): Promise<number> {
    const { count, after } = await this.db.transaction(async (m) => {
      const events = await this.store.claimRelayBatch(m, limit);
      const afterCommit: AfterCommit[] = [];
      if (events.length) {
        for (const sink of this.sinkList) {
          const then = await sink.accept(events, m);
          if (then) afterCommit.push(then);
        }
      }
      return { count: events.length, after: afterCommit };
    });
    for (const then of after) {
      // The rows are committed: what cannot be enqueued now, the sink's redeliver() enqueues later.
      await then().catch((err: Error) => this.logger.warn({ err: err.message }, 'could not enqueue after relay'));
    }
    return count;
  }

  /** Drains batches until the outbox is empty or RELAY_RUN_MS has passed (the next run goes on). */
  async run(): Promise<RelayRun> {
    const started = performance.now();
    const done: RelayRun = { events: 0, batches: 0 };
    while (performance.now() - started < RELAY_RUN_MS) {
      const n = await this.relayBatch();
      if (n === 0) break;
      done.events += n;
      done.batches++;
      if (n < RELAY_BATCH) break;
    }
    return done;
  }

  /** Every sink's redeliver(): how many each re-enqueued, by name. */
  async redeliver(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const sink of this.sinkList) out[sink.name] = await sink.redeliver();
    return out;
  }
}

/** The relay and its discovery of sinks; the worker imports it together with the sinks' modules. */
@Module({
  imports: [DiscoveryModule, TicketStoreModule],
  providers: [TicketEventRelay],
  exports: [TicketEventRelay],
})
export class TicketEventRelayModule {}
