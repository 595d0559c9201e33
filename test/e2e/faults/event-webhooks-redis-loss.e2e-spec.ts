import { Role } from '@phananh/identity';
import { PrivateRedis, TestApp, createTestApp, eventually, newOfficial, startPrivateRedis } from '@test/support';
import { newCitizen, reportBody } from '../public/report-bodies';
import { startReceiver } from '../sla/receivers';

/**
 * Lifecycle webhooks through a Redis FLUSHALL: the first attempts fail and their retries wait a
 * minute in Redis; Redis is flushed; the relay's redeliver job (from the PENDING rows in
 * PostgreSQL) sends every event anyway, each exactly once.
 */
describe('fault: Redis flushed while lifecycle-event deliveries wait for their retry', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let failing = true;
  const REPORTS = 3;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    hooks = await startReceiver(() => (failing ? 503 : 200));
    t = await createTestApp({
      env: {
        REDIS_URL: redis.url,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        // A retry waits a minute in Redis: only the redelivery from PostgreSQL can send it sooner.
        DELIVERY_BACKOFF_MS: '60000',
        RELAY_INTERVAL_MS: '100',
      },
    });
    const admin = await newOfficial(t, { role: Role.Admin });
    await t.http
      .post('/api/v1/admin/event-webhooks')
      .set('Authorization', admin.bearer)
      .send({ url: hooks.url('/hook'), secret: 's3cret', events: ['FILED', 'ASSIGNED'] })
      .expect(201);
  });
  // The app's close waits for a delivery in flight (up to WEBHOOK_TIMEOUT_MS); on a loaded machine, longer.
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await hooks?.close();
  }, 120_000);

  it('sends every event once after FLUSHALL, from the PENDING rows', async () => {
    for (let i = 0; i < REPORTS; i++) await t.http.post('/api/v1/reports').send(reportBody(newCitizen())).expect(201);
    // Every delivery has failed its first attempt and waits for its retry in Redis.
    await eventually(async () => {
      const [row] = await t.db.query(
        `SELECT count(*)::int AS n FROM event_webhook_deliveries WHERE status = 'PENDING' AND attempts = 1`,
      );
      return row.n === REPORTS * 2;
    });
    failing = false;
    // t.redis is the app's Redis, the private one: never FLUSHALL the machine's shared server.
    await t.redis.flushall();
    await eventually(async () => {
      const [row] = await t.db.query(
        `SELECT count(*)::int AS n FROM event_webhook_deliveries WHERE status = 'DELIVERED'`,
      );
      return row.n === REPORTS * 2;
    }, 60_000);
    const delivered = hooks.received.filter((h) => h.answered === 200);
    const ids = delivered.map((h) => h.headers['x-delivery-id']);
    expect(ids).toHaveLength(REPORTS * 2);
    expect(new Set(ids).size).toBe(REPORTS * 2);
    const types = delivered.map((h) => JSON.parse(h.body).type).sort();
    expect(types).toEqual([
      ...Array(REPORTS).fill('vn.phananh.ticket.assigned'),
      ...Array(REPORTS).fill('vn.phananh.ticket.filed'),
    ]);
    // Nothing is sent again later (the redelivery runs every 10 s).
    await new Promise((r) => setTimeout(r, 11_000));
    expect(hooks.received.filter((h) => h.answered === 200)).toHaveLength(REPORTS * 2);
  });
});
