import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { PrivateRedis, TestApp, createTestApp, eventually, newOfficial, startPrivateRedis } from '@test/support';
import { REDIS_REFUSED, limiterFailures } from '../public/limiter-failures';
import { newCitizen, reportBody } from '../public/report-bodies';

interface EventCount {
  kind: string;
  tracking_code: string;
  occurred_at: Date;
  recipients: string[];
}

/**
 * Redis is the alarm clock, PostgreSQL the truth: with the app's own Redis server killed,
 * citizens' reports are still accepted at once; once a Redis comes back (empty: nothing
 * was persisted), the worker re-creates its schedules and every deadline of those reports
 * alerts exactly its recipients, at its instant, once.
 */
describe('fault: Redis stopped while reports are being filed', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let clock: FakeClock;
  const codes: string[] = [];
  const N = 12;
  const consoleError = jest.spyOn(console, 'error');

  const events = (): Promise<EventCount[]> =>
    t.db.query(
      `SELECT e.kind, t.tracking_code, e.occurred_at, array_agg(u.username ORDER BY u.username) AS recipients
       FROM alert_events e JOIN tickets t ON t.id = e.ticket_id
       JOIN alerts a ON a.event_id = e.id JOIN users u ON u.id = a.recipient_id
       GROUP BY e.id, e.kind, t.tracking_code, e.occurred_at`,
    );
  const waitForKind = async (kind: string) =>
    eventually(async () => {
      const found = (await events()).filter((e) => e.kind === kind);
      return found.length >= N ? found : null;
    }, 20_000);

  beforeAll(async () => {
    redis = await startPrivateRedis();
    clock = new FakeClock();
    t = await createTestApp({ clock, env: { REDIS_URL: redis.url, RATE_LIMIT_FILINGS_PER_MINUTE: '5' } });
    await newOfficial(t, { role: Role.Officer, unitCode: '00001', username: 'officer-ward' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001', username: 'supervisor-ward' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '001', username: 'supervisor-district' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '01', username: 'supervisor-province' });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('accepts every report (201) while Redis is down, promptly, past the rate limit it cannot count', async () => {
    await redis.stop();
    expect((await t.http.get('/health/ready')).body.checks.redis.status).toBe('down');
    const failures = limiterFailures(t.app);
    for (let i = 0; i < N; i++) {
      const res = await t.http.post('/api/v1/reports').send(reportBody(newCitizen(), '00001'));
      expect(res.status).toBe(201);
      expect(res.body.dueAt).toBe('2021-11-05T08:00:00.000+07:00');
      codes.push(res.body.trackingCode);
    }
    // Promptly: a Redis that is down refuses at once (no offline queue), so every filing's limiter
    // failed on that refusal, and none on its own 1 s timeout (read from the errors, not a stopwatch).
    expect(failures).toEqual(Array(N).fill(REDIS_REFUSED));
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM tickets WHERE tracking_code = ANY($1) AND sla_next_at IS NOT NULL`,
      [codes],
    );
    expect(n).toBe(N);
    // The queues notice at their first reconnection attempt (BullMQ waits at least a second
    // before it): wait for their warning here, while Redis is still down.
    await eventually(async () => /queue error \(Redis unreachable\?\)/.test(t.logs.text()), 20_000);
  });

  it('enforces every deadline once Redis is back (empty): DUE_SOON, OVERDUE, ESCALATED, each once, at its instant', async () => {
    redis = await startPrivateRedis([], redis.port);
    await eventually(async () => (await t.http.get('/health/ready')).status === 200, 15_000);

    clock.set('2021-11-04T20:00:00+07:00');
    const dueSoon = await waitForKind('DUE_SOON');
    clock.set('2021-11-05T08:00:00+07:00');
    const overdue = await waitForKind('OVERDUE');
    clock.set('2021-11-06T08:00:00+07:00');
    const escalated = await waitForKind('ESCALATED');

    const expectEach = (found: EventCount[], at: string, recipients: string[]) => {
      expect(found.map((e) => e.tracking_code).sort()).toEqual([...codes].sort());
      for (const e of found) {
        expect(e.occurred_at).toEqual(new Date(at));
        expect(e.recipients).toEqual(recipients);
      }
    };
    expectEach(dueSoon, '2021-11-04T20:00:00+07:00', ['officer-ward']);
    expectEach(overdue, '2021-11-05T08:00:00+07:00', ['supervisor-district', 'supervisor-ward']);
    expectEach(escalated, '2021-11-06T08:00:00+07:00', ['supervisor-province']);
    const [{ dupes }] = await t.db.query(
      `SELECT count(*)::int AS dupes FROM (
         SELECT 1 FROM alerts a JOIN alert_events e ON e.id = a.event_id
         GROUP BY e.ticket_id, e.kind, e.deadline_at, a.recipient_id HAVING count(*) > 1) d`,
    );
    expect(dupes).toBe(0);
    const [{ total }] = await t.db.query(`SELECT count(*)::int AS total FROM alerts`);
    expect(total).toBe(N * 4);
  });

  it('said so in its structured log, not as raw stack traces on stderr', () => {
    expect(t.logs.text()).toMatch(/queue error \(Redis unreachable\?\)/);
    expect(t.logs.text()).toMatch(/rate limiter unavailable/);
    expect(consoleError).not.toHaveBeenCalled();
  });
});
