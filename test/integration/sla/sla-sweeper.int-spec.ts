import { FakeClock, HOUR_MS } from '@phananh/core';
import { Role } from '@phananh/identity';
import { IssueType } from '@phananh/ticket-store';
import { TestApp, createTestApp, newOfficial, newTickets } from '@test/support';
import { CLAIM_DUE_SQL, SWEEP_BATCH, SlaSweeper } from '@phananh/sla';

const TICKETS = 10_000;

/**
 * What the sweep costs on the real PostgreSQL (printed on every run; the README quotes these
 * numbers), and that it keeps Redis out of it. What the alternative, a delayed BullMQ job per
 * ticket, would cost in Redis is a measurement of BullMQ, not of this code: bench/job-memory.ts.
 */
describe('SlaSweeper at scale', () => {
  let t: TestApp;
  const now = new Date('2021-11-06T12:00:00+07:00');

  beforeAll(async () => {
    t = await createTestApp({ worker: false, clock: new FakeClock(now) });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    // Ten thousand tickets whose deadline passed an hour ago: OVERDUE is due for all of them.
    const due = new Date(now.getTime() - HOUR_MS);
    const ticket = { receivedAt: new Date(due.getTime() - 48 * HOUR_MS), dueAt: due, campaignCode: '2021-11' };
    await newTickets(
      t,
      Array.from({ length: TICKETS }, () => ({ ...ticket, issueType: IssueType.Other })),
    );
  });
  afterAll(() => t.close());

  it('fires 10,000 due stages in batches of 1,000, set-based, without a key in Redis per ticket', async () => {
    const keysBefore = await t.redis.keys(`${t.env.redisPrefix}*`);
    const sweeper = t.app.get(SlaSweeper);
    const timings: number[] = [];
    for (;;) {
      const started = performance.now();
      const batch = await sweeper.sweepBatch(SWEEP_BATCH);
      if (batch.tickets === 0) break;
      timings.push(performance.now() - started);
    }
    expect(timings).toHaveLength(TICKETS / SWEEP_BATCH);
    const [counts] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM alert_events WHERE kind = 'OVERDUE') AS events,
              (SELECT count(*)::int FROM alerts) AS alerts,
              (SELECT count(*)::int FROM ticket_events WHERE action = 'OVERDUE') AS history,
              (SELECT count(*)::int FROM tickets WHERE sla_stage = 2 AND overdue_since = due_at
                 AND sla_next_at = due_at + interval '24 hours') AS advanced`,
    );
    expect(counts).toEqual({ events: TICKETS, alerts: 2 * TICKETS, history: TICKETS, advanced: TICKETS });
    expect(await t.redis.keys(`${t.env.redisPrefix}*`)).toHaveLength(keysBefore.length);
    const sorted = [...timings].sort((a, b) => a - b);
    process.stdout.write(
      `[sla-sweep] ${TICKETS} due tickets, batches of ${SWEEP_BATCH} (claim + advance + history + 2 alerts each): ` +
        `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms per batch\n`,
    );
    // Generous bound for a shared machine; the median is what the README quotes.
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(2_000);
  });

  it('finds nothing to do in one index probe when nothing is due', async () => {
    await t.db.query('ANALYZE tickets');
    const [plan] = await t.db.query(`EXPLAIN (FORMAT JSON) ${CLAIM_DUE_SQL}`, [
      new Date(now.getTime() + HOUR_MS),
      SWEEP_BATCH,
    ]);
    expect(JSON.stringify(plan)).toContain('ix_tickets_sla_next');
    const started = performance.now();
    const batch = await t.app.get(SlaSweeper).sweepBatch(SWEEP_BATCH);
    expect(batch.tickets).toBe(0);
    process.stdout.write(`[sla-sweep] an idle sweep batch: ${(performance.now() - started).toFixed(1)} ms\n`);
  });
});
