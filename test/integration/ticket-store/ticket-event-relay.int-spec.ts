import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdentityModule } from '@phananh/identity';
import { SlaCoreModule } from '@phananh/sla';
import {
  RELAYED_ACTIONS,
  RelayedTicketEvent,
  TicketAction,
  TicketEventRelay,
  TicketEventRelayModule,
  TicketEventSink,
  TicketEventSinkProvider,
  TicketStore,
  newTicketRecord,
} from '@phananh/ticket-store';
import { TicketsModule } from '@phananh/tickets';
import { TestModule, createTestModule, newTicket, ticketRecord } from '@test/support';

/** A sink that writes a row per event into a table of the test's own, in the relay's transaction. */
class RecordingSink implements TicketEventSink {
  failNext = false;
  seen: RelayedTicketEvent[] = [];
  afterCommits = 0;
  redelivered = 0;
  constructor(readonly name: string) {}

  async accept(events: readonly RelayedTicketEvent[], m: EntityManager) {
    await m.query(
      `INSERT INTO relay_test_rows (sink, event_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
      [this.name, events.map((e) => e.id)],
    );
    if (this.failNext) {
      this.failNext = false;
      throw new Error('sink failed');
    }
    this.seen.push(...events);
    return async () => {
      this.afterCommits++;
    };
  }

  async redeliver() {
    return ++this.redelivered;
  }
}

@Injectable()
@TicketEventSinkProvider()
class SinkA extends RecordingSink {
  constructor() {
    super('a');
  }
}

@Injectable()
@TicketEventSinkProvider()
class SinkB extends RecordingSink {
  constructor() {
    super('b');
  }
}

/** Not marked: the relay must not pick it up. */
@Injectable()
class NotASink extends RecordingSink {
  constructor() {
    super('not-a-sink');
  }
}

@Module({ providers: [SinkA, SinkB, NotASink] })
class TestSinksModule {}

describe('ticket-event relay (outbox → sinks)', () => {
  let m: TestModule;
  let relay: TicketEventRelay;
  let store: TicketStore;
  let a: SinkA;
  let b: SinkB;

  const rows = async (sink: string): Promise<string[]> =>
    (
      await m.db.query(`SELECT event_id::text AS id FROM relay_test_rows WHERE sink = $1 ORDER BY event_id`, [sink])
    ).map((r: { id: string }) => r.id);
  const outbox = async (): Promise<number> =>
    (await m.db.query(`SELECT count(*)::int AS n FROM ticket_event_outbox`))[0].n;
  const drain = async () => {
    while ((await relay.relayBatch()) > 0);
  };

  beforeAll(async () => {
    m = await createTestModule([SlaCoreModule, IdentityModule, TicketsModule, TicketEventRelayModule, TestSinksModule]);
    relay = m.app.get(TicketEventRelay);
    store = m.app.get(TicketStore);
    a = m.app.get(SinkA);
    b = m.app.get(SinkB);
    await m.db.query(`CREATE TABLE relay_test_rows (sink text, event_id bigint, PRIMARY KEY (sink, event_id))`);
  });
  afterAll(() => m?.close());

  beforeEach(async () => {
    await drain();
    await m.db.query(`TRUNCATE relay_test_rows`);
    a.seen = [];
    b.seen = [];
  });

  it('finds exactly the providers marked @TicketEventSinkProvider', () => {
    expect(relay.sinks.map((s) => s.name).sort()).toEqual(['a', 'b']);
  });

  it('queues the filing statement’s FILED and ASSIGNED events and hands each to every sink once', async () => {
    const {
      status: _s,
      version: _v,
      updatedAt: _u,
      closedAt: _c,
      duplicateOf: _d,
      mergedInto: _m,
      ...fields
    } = await ticketRecord(m, { trackingCode: 'RELAY-FILE-1' });
    expect(await store.file({ ticket: newTicketRecord(fields), files: [], receipt: null })).toBe('created');
    expect(await outbox()).toBe(2);
    await drain();
    expect(await outbox()).toBe(0);
    for (const sink of [a, b]) {
      expect(sink.seen.map((e) => [e.trackingCode, e.action])).toEqual([
        ['RELAY-FILE-1', TicketAction.Filed],
        ['RELAY-FILE-1', TicketAction.Assigned],
      ]);
    }
    const [assigned] = a.seen.filter((e) => e.action === TicketAction.Assigned);
    expect(assigned).toMatchObject({ toStatus: 'ASSIGNED', toUnitCode: fields.unitCode, isPublic: true });
    expect(assigned.at).toBeInstanceOf(Date);
    expect(assigned).not.toHaveProperty('note');
    expect(await rows('a')).toEqual(a.seen.map((e) => e.id));
    expect(await rows('b')).toEqual(b.seen.map((e) => e.id));
  });

  it('queues every appended event but an identity view, in the same statement', async () => {
    const t = await newTicket(m, { trackingCode: 'RELAY-APPEND-1' });
    await store.appendEvents(m.db, [
      { ticketId: t.id, at: new Date(), action: TicketAction.IdentityViewed },
      { ticketId: t.id, at: new Date(), action: TicketAction.Started },
      { ticketId: t.id, at: new Date(), action: TicketAction.Resolved, note: 'free text' },
    ]);
    await drain();
    expect(a.seen.map((e) => e.action)).toEqual([TicketAction.Filed, TicketAction.Started, TicketAction.Resolved]);
    expect(RELAYED_ACTIONS).not.toContain(TicketAction.IdentityViewed);
    expect(RELAYED_ACTIONS).toContain(TicketAction.Withdrawn);
  });

  it('writes nothing to the outbox when the event’s transaction rolls back', async () => {
    const t = await newTicket(m, { trackingCode: 'RELAY-ROLLBACK-1', filedEvent: false });
    await expect(
      m.db.transaction(async (q) => {
        await store.appendEvents(q, [{ ticketId: t.id, at: new Date(), action: TicketAction.Deferred }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await outbox()).toBe(0);
  });

  it('rolls the whole batch back for every sink when one sink fails, and relays it again', async () => {
    await newTicket(m, { trackingCode: 'RELAY-FAIL-1' });
    b.failNext = true;
    await expect(relay.relayBatch()).rejects.toThrow('sink failed');
    expect(await outbox()).toBe(1);
    expect(await rows('a')).toEqual([]);
    expect(a.seen).toHaveLength(1); // a accepted it inside the rolled-back transaction
    a.seen = [];
    const afterBefore = a.afterCommits;
    expect(await relay.relayBatch()).toBe(1);
    expect(a.afterCommits).toBe(afterBefore + 1);
    expect(await rows('a')).toHaveLength(1);
    expect(await rows('b')).toHaveLength(1);
  });

  it('gives each event to one of several concurrent relays (SKIP LOCKED), none twice, none lost', async () => {
    const tickets = await Promise.all(
      Array.from({ length: 40 }, (_, i) => newTicket(m, { trackingCode: `RELAY-CONC-${i}` })),
    );
    await Promise.all(
      tickets.map((t) =>
        store.appendEvents(m.db, [
          { ticketId: t.id, at: new Date(), action: TicketAction.Started },
          { ticketId: t.id, at: new Date(), action: TicketAction.Transferred },
        ]),
      ),
    );
    const relays = Array.from({ length: 4 }, async () => {
      let n = 0;
      for (let got = 1; got > 0;) n += got = await relay.relayBatch(7);
      return n;
    });
    const counts = await Promise.all(relays);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(120);
    const ids = a.seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(120);
    expect(await rows('a')).toHaveLength(120);
    expect(await outbox()).toBe(0);
  });

  it('run() drains everything and redeliver() asks every sink', async () => {
    await Promise.all(Array.from({ length: 3 }, (_, i) => newTicket(m, { trackingCode: `RELAY-RUN-${i}` })));
    expect(await relay.run()).toEqual({ events: 3, batches: 1 });
    expect(await relay.run()).toEqual({ events: 0, batches: 0 });
    expect(await relay.redeliver()).toEqual({ a: expect.any(Number), b: expect.any(Number) });
  });
});
