import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { toVnIso } from '@phananh/core';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { benchPii, withClient } from './bench-env';
import { Service, startBenchService } from './services';
import { percentile, round, sleep } from './stats';

/** Real milliseconds since the epoch, without the clock the lint rule keeps to libs/core. */
export const realNow = () => performance.timeOrigin + performance.now();

export interface DeadlineFigures {
  tickets: number;
  workers: number;
  windowSeconds: number;
  loadMs: number;
  alerted: number;
  missed: number;
  twice: number;
  alertRows: number;
  expectedAlertRows: number;
  p50: number;
  p99: number;
  max: number;
  floor: { jobs: number; p50: number; p99: number; max: number; missed: number };
}

async function redisUsedMemory(url: string): Promise<number> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1]);
  } finally {
    redis.disconnect();
  }
}

/** Resolves once a worker has registered the SLA sweep's job scheduler (BullMQ keeps it at `<prefix>:sla:repeat`). */
export async function waitForScheduler(url: string, prefix: string, timeoutMs = 90_000): Promise<void> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  try {
    const until = realNow() + timeoutMs;
    while (!(await redis.exists(`${prefix}:sla:repeat`))) {
      if (realNow() > until) throw new Error(`no SLA job scheduler in Redis under ${prefix} after ${timeoutMs} ms`);
      await sleep(200);
    }
  } finally {
    redis.disconnect();
  }
}

/** Starts the worker processes on a simulated clock that shows `clockStart` at the real instant `anchor`. */
async function startWorkers(
  n: number,
  env: { databaseUrl: string; redisUrl: string; redisPrefix: string },
  clockStart: Date,
  anchor: number,
  extra: Record<string, string> = {},
) {
  const workers: Service[] = [];
  for (let i = 0; i < n; i++) {
    workers.push(
      await startBenchService('worker', {
        ...env,
        extra: { CLOCK_START: toVnIso(clockStart), CLOCK_ANCHOR: new Date(anchor).toISOString(), ...extra },
      }),
    );
  }
  return workers;
}

/**
 * Redis memory with the worker running, before and after 100,000 more open tickets exist
 * (due days later, so nothing fires meanwhile): the SLA engine keeps no per-ticket state in
 * Redis, so the difference is noise.
 */
export async function redisPerTicket(opts: {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  count: number;
  clockStart: Date;
}): Promise<{ before: number; after: number; tickets: number; bytesPerTicket: number }> {
  const [worker] = await startWorkers(1, opts, opts.clockStart, realNow());
  try {
    await waitForScheduler(opts.redisUrl, opts.redisPrefix);
    await sleep(3000);
    const before = await redisUsedMemory(opts.redisUrl);
    const campaign = await withClient(opts.databaseUrl, (c) => bulkCampaign(c, '2021-11'));
    const due = new Date(opts.clockStart.getTime() + 3 * 86_400_000);
    await bulkLoadTickets(opts.databaseUrl, benchPii(), {
      count: opts.count,
      receivedFrom: due,
      receivedTo: due,
      campaign,
      dueBetween: [due, new Date(due.getTime() + 3_600_000)],
      asOf: opts.clockStart,
      serialStart: 61_000_000,
      events: false,
    });
    await sleep(3000);
    const after = await redisUsedMemory(opts.redisUrl);
    return { before, after, tickets: opts.count, bytesPerTicket: round((after - before) / opts.count, 2) };
  } finally {
    await worker.stop();
  }
}

/**
 * `count` tickets due within the same `windowSeconds`, the worker(s) started on a clock that
 * reaches the first deadline `leadMs` later; each ticket's lateness is its OVERDUE alert row's
 * creation (the sweep's clock) minus its dueAt. Beside it, in the same minute of real time,
 * `floorJobs` no-op BullMQ delayed jobs due over the same window on the same Redis, and their
 * lateness as BullMQ's own worker sees it.
 */
export async function deadlineFigures(opts: {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  workers: number;
  count: number;
  windowSeconds: number;
  /** The simulated instant of the first deadline (distinct per run, so runs never share tickets). */
  firstDue: Date;
  leadMs: number;
  floorJobs: number;
  serialStart: number;
  extraEnv?: Record<string, string>;
}): Promise<DeadlineFigures> {
  const windowMs = opts.windowSeconds * 1000;
  const lastDue = new Date(opts.firstDue.getTime() + windowMs);
  const campaign = await withClient(opts.databaseUrl, (c) => bulkCampaign(c, '2021-11'));
  const loaded = await bulkLoadTickets(opts.databaseUrl, benchPii(), {
    count: opts.count,
    receivedFrom: opts.firstDue,
    receivedTo: lastDue,
    campaign,
    dueBetween: [opts.firstDue, lastDue],
    asOf: new Date(opts.firstDue.getTime() - opts.leadMs),
    serialStart: opts.serialStart,
  });

  // The floor: BullMQ's own delayed jobs, due at the same real instants as the tickets.
  const connection = { url: opts.redisUrl, maxRetriesPerRequest: null } as const;
  const floorQueue = new Queue('bench-floor', { connection, prefix: `${opts.redisPrefix}-floor` });
  const lateness: number[] = [];
  const anchor = realNow() + 2000;
  const firstDueReal = anchor + opts.leadMs;
  const floorWorker = new Worker(
    'bench-floor',
    async (job) => {
      lateness.push(realNow() - (job.data as { due: number }).due);
    },
    { connection, prefix: `${opts.redisPrefix}-floor`, concurrency: 50, autorun: true },
  );
  for (let i = 0; i < opts.floorJobs; i += 1000) {
    const jobs = Array.from({ length: Math.min(1000, opts.floorJobs - i) }, (_, k) => {
      const due = firstDueReal + ((i + k) / opts.floorJobs) * windowMs;
      return {
        name: 'noop',
        data: { due },
        opts: { delay: Math.max(0, due - realNow()), removeOnComplete: true, removeOnFail: true },
      };
    });
    await floorQueue.addBulk(jobs);
  }

  const clockStart = new Date(opts.firstDue.getTime() - opts.leadMs);
  const workers = await startWorkers(opts.workers, opts, clockStart, anchor, opts.extraEnv);
  const ids = [loaded.firstId, loaded.lastId];
  const client = new Client({ connectionString: opts.databaseUrl, application_name: 'phananh-bench' });
  await client.connect();
  try {
    const deadline = firstDueReal + windowMs + 120_000;
    for (;;) {
      await sleep(1000);
      const [{ n }] = (
        await client.query(
          `SELECT count(*)::int AS n FROM alert_events WHERE kind = 'OVERDUE' AND ticket_id BETWEEN $1 AND $2`,
          ids,
        )
      ).rows;
      const floorDone = lateness.length >= opts.floorJobs;
      if ((n >= opts.count && floorDone) || realNow() > deadline) break;
    }
    // Alert rows: one per recipient (the district's supervisor; the ward has none).
    const rows = (
      await client.query(
        `SELECT extract(epoch FROM (a.created_at - t.due_at)) * 1000 AS late_ms
         FROM tickets t
         JOIN alert_events e ON e.ticket_id = t.id AND e.kind = 'OVERDUE'
         JOIN alerts a ON a.event_id = e.id
         WHERE t.id BETWEEN $1 AND $2`,
        ids,
      )
    ).rows as { late_ms: string }[];
    const [check] = (
      await client.query(
        `SELECT
           (SELECT count(*)::int FROM tickets t WHERE t.id BETWEEN $1 AND $2
              AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.ticket_id = t.id AND e.kind = 'OVERDUE')) AS missed,
           (SELECT count(*)::int FROM (SELECT e.ticket_id FROM alert_events e WHERE e.kind = 'OVERDUE'
              AND e.ticket_id BETWEEN $1 AND $2 GROUP BY e.ticket_id, e.deadline_at HAVING count(*) > 1) d)
             + (SELECT count(*)::int FROM (SELECT a.event_id FROM alerts a JOIN alert_events e ON e.id = a.event_id
              WHERE e.kind = 'OVERDUE' AND e.ticket_id BETWEEN $1 AND $2
              GROUP BY a.event_id, a.recipient_id HAVING count(*) > 1) d) AS twice,
           (SELECT count(*)::int FROM tickets t JOIN units w ON w.code = t.unit_code
              JOIN users u ON u.unit_code IN (w.code, w.parent_code) AND u.role = 'SUPERVISOR'
              WHERE t.id BETWEEN $1 AND $2) AS expected`,
        ids,
      )
    ).rows;
    const late = rows.map((r) => Number(r.late_ms));
    return {
      tickets: opts.count,
      workers: opts.workers,
      windowSeconds: opts.windowSeconds,
      loadMs: loaded.ms,
      alerted: opts.count - check.missed,
      missed: check.missed,
      twice: check.twice,
      alertRows: rows.length,
      expectedAlertRows: check.expected,
      p50: round(percentile(late, 50)),
      p99: round(percentile(late, 99)),
      max: round(Math.max(...late)),
      floor: {
        jobs: opts.floorJobs,
        p50: round(percentile(lateness, 50)),
        p99: round(percentile(lateness, 99)),
        max: round(Math.max(...lateness)),
        missed: opts.floorJobs - lateness.length,
      },
    };
  } finally {
    await client.end();
    await Promise.all(workers.map((w) => w.stop()));
    await floorWorker.close();
    await floorQueue.obliterate({ force: true }).catch(() => undefined);
    await floorQueue.close();
  }
}
