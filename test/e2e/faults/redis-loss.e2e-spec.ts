import { AlertKind, WebhooksService } from '@phananh/alerts';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import {
  PrivateRedis,
  TestApp,
  createTestApp,
  eventually,
  newOfficial,
  newTicket,
  startPrivateRedis,
} from '@test/support';
import { startReceiver, startSmtp } from '../sla/receivers';

const HOUR = 3600_000;
const at = (iso: string) => new Date(iso);

/**
 * A campaign replayed on the FakeClock against the app's own Redis server, which is flushed
 * (FLUSHALL) and later killed and restarted empty, while the worker runs. Between them,
 * webhook retries wait in Redis with a long back-off, and the campaign cutoff's delayed job
 * lives there too. Every alert still reaches each recipient exactly once, every e-mail is sent
 * once, every event is delivered to the webhook under one delivery id, and the cutoff
 * summary comes once: Redis held nothing that PostgreSQL could not rebuild.
 */
describe('fault: Redis flushed, then killed and restarted empty, mid-campaign', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let clock: FakeClock;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let failing = false;
  const TICKETS = 8;
  const tickets: string[] = [];

  const counts = async () => {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM alert_events) AS events,
              (SELECT count(*)::int FROM alerts) AS alerts,
              (SELECT count(*)::int FROM alerts WHERE email_status = 'SENT') AS sent,
              (SELECT count(*)::int FROM alerts WHERE email_status = 'PENDING') AS pending_mail,
              (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'DELIVERED') AS delivered,
              (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'PENDING') AS pending_hooks`,
    );
    return row as Record<string, number>;
  };
  /** Waits until `events` alert events exist and every channel is done with them. */
  const settled = (events: number) =>
    eventually(async () => {
      const c = await counts();
      return c.events === events && c.pending_mail === 0 && c.pending_hooks === 0 && c.delivered === events ? c : null;
    }, 30_000);

  beforeAll(async () => {
    redis = await startPrivateRedis();
    smtp = await startSmtp();
    hooks = await startReceiver(() => (failing ? 503 : 200));
    clock = new FakeClock();
    t = await createTestApp({
      clock,
      env: {
        REDIS_URL: redis.url,
        SMTP_URL: smtp.url,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        // A retry waits a minute in Redis: only the repair from PostgreSQL can deliver it sooner.
        DELIVERY_BACKOFF_MS: '60000',
      },
    });
    await newOfficial(t, { role: Role.Officer, unitCode: '00001', username: 'officer', email: 'officer@example.vn' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001', username: 'sup-ward', email: 'ward@example.vn' });
    await newOfficial(t, {
      role: Role.Supervisor,
      unitCode: '001',
      username: 'sup-district',
      email: 'dist@example.vn',
    });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '01', username: 'sup-province', email: 'prov@example.vn' });
    const admin = await newOfficial(t, { role: Role.Admin });
    await t.app
      .get(WebhooksService)
      .register(
        { url: hooks.url('/hook'), secret: 'webhook-secret-for-tests', events: Object.values(AlertKind) },
        admin.user,
      );
    // One ticket an hour from 08:00 on 3 Nov: deadlines from 5 Nov 08:00 to 15:00.
    for (let i = 0; i < TICKETS; i++) {
      const ticket = await newTicket(t, {
        unitCode: '00001',
        receivedAt: new Date(at('2021-11-03T08:00:00+07:00').getTime() + i * HOUR),
      });
      tickets.push(ticket.id);
    }
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await smtp?.close();
    await hooks?.close();
  });

  it('sends the first DUE_SOON alerts', async () => {
    clock.set('2021-11-04T23:00:00+07:00'); // DUE_SOON of the first four tickets (20:00 to 23:00)
    const c = await settled(4);
    expect(c).toMatchObject({ alerts: 4, sent: 4 });
  });

  it('after FLUSHALL, sends the rest once and never again what was sent', async () => {
    // t.redis is the app's Redis, the private one: never FLUSHALL the machine's shared server.
    expect(t.redis.options.port).toBe(redis.port);
    await t.redis.flushall();
    clock.set('2021-11-05T03:00:00+07:00'); // the other four DUE_SOON
    const c = await settled(8);
    expect(c).toMatchObject({ alerts: 8, sent: 8 });
  });

  it('after a kill and an empty restart, delivers what was waiting in Redis for a retry, and goes on', async () => {
    failing = true;
    clock.set('2021-11-05T09:00:00+07:00'); // OVERDUE of the first two tickets
    await eventually(async () => {
      const rows = await t.db.query(
        `SELECT count(*)::int AS n FROM webhook_deliveries d JOIN alert_events e ON e.id = d.event_id
         WHERE e.kind = 'OVERDUE' AND d.status = 'PENDING' AND d.attempts >= 1`,
      );
      return rows[0].n === 2;
    }, 20_000);
    await redis.stop();
    failing = false;
    redis = await startPrivateRedis([], redis.port);
    const c = await settled(10);
    expect(c.alerts).toBe(8 + 2 * 2);

    clock.set('2021-11-06T16:00:00+07:00'); // every OVERDUE and ESCALATED
    const all = await settled(8 * 3);
    expect(all.alerts).toBe(8 * (1 + 2 + 1));
  });

  it('processes the cutoff whose delayed job Redis lost, once', async () => {
    clock.set('2021-11-13T00:00:00+07:00');
    const c = await settled(8 * 3 + 1);
    expect(c.alerts).toBe(8 * 4 + 1);
    const [cutoff] = await t.db.query(`SELECT summary FROM alert_events WHERE kind = 'CUTOFF_MISSED'`);
    expect(cutoff.summary.total).toBe(TICKETS);
  });

  it('sent every alert exactly once on every channel', async () => {
    const dupes = await t.db.query(
      `SELECT e.ticket_id, e.kind, a.recipient_id FROM alerts a JOIN alert_events e ON e.id = a.event_id
       GROUP BY e.ticket_id, e.kind, e.deadline_at, a.recipient_id HAVING count(*) > 1`,
    );
    expect(dupes).toEqual([]);
    const perTicket = await t.db.query(
      `SELECT e.kind, count(DISTINCT e.ticket_id)::int AS tickets FROM alert_events e GROUP BY e.kind ORDER BY e.kind`,
    );
    expect(perTicket).toEqual([
      { kind: 'CUTOFF_MISSED', tickets: 0 },
      { kind: 'DUE_SOON', tickets: TICKETS },
      { kind: 'ESCALATED', tickets: TICKETS },
      { kind: 'OVERDUE', tickets: TICKETS },
    ]);

    const [{ alerts }] = await t.db.query(`SELECT count(*)::int AS alerts FROM alerts`);
    expect(smtp.mails).toHaveLength(alerts);
    const mailKeys = smtp.mails.map((m) => `${m.to.join(',')} ${m.subject}`);
    expect(new Set(mailKeys).size).toBe(mailKeys.length);

    const ok = hooks.received.filter((h) => h.answered === 200);
    const events = ok.map((h) => (JSON.parse(h.body) as { id: string }).id);
    expect(new Set(events).size).toBe(8 * 3 + 1);
    expect(events).toHaveLength(8 * 3 + 1);
    // A retried event keeps its delivery id.
    for (const h of hooks.received.filter((r) => r.answered !== 200)) {
      const id = (JSON.parse(h.body) as { id: string }).id;
      expect(ok.find((o) => (JSON.parse(o.body) as { id: string }).id === id)?.headers['x-delivery-id']).toBe(
        h.headers['x-delivery-id'],
      );
    }
  });
});
