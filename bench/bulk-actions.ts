import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { PG_ADMIN_URL, benchPii, loadNow, resetBenchDatabase, withClient } from './bench-env';
import { cpuMs } from './cpu';

/** The CPU ms of all of `pids`, or null when one cannot be read. */
function cpuOf(pids: number[]): number | null {
  const each = pids.map((pid) => cpuMs(pid));
  return each.some((ms) => ms === null) ? null : each.reduce((a: number, b) => a + b!, 0);
}
import { login, seedOfficer } from './officials';
import { renderReport, withExports } from './report';
import { startBenchRedis, startBenchService } from './services';
import { percentile, round, runMain } from './stats';

/** How many tickets one bulk request takes (BULK_MAX_ITEMS). */
export const BULK_BATCH = 200;

export interface BulkLatency {
  requests: number;
  p50: number;
  max: number;
}

export interface BulkFigures {
  batch: number;
  /** Open tickets of the unit when the run began. */
  unitOpen: number;
  /** Every bulk request, 200 tickets each: ms from sending to the whole answer. */
  start: BulkLatency;
  resolve: BulkLatency;
  /** Node CPU ms per ticket, over the bulk requests. */
  cpuNodePerTicket: number | null;
  /** The floor: the same 200 tickets started by 200 single requests, one after another. */
  singles: { tickets: number; ms: number };
  /** Set when measured apart from the full run (`node dist/bench/bulk-actions.js`). */
  standalone?: { startedAt: string; loadAtStart: string; loadAtEnd: string; command: string; totalTickets: number };
}

async function post(url: string, token: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ done: number; failed: number }>;
}

const latency = (ms: number[]): BulkLatency => ({
  requests: ms.length,
  p50: round(percentile(ms, 50), 1),
  max: round(Math.max(...ms), 1),
});

/**
 * Bulk actions on an officer's unit: `rounds` times, 200 ASSIGNED tickets of the unit started by
 * one request (`POST /api/v1/tickets/bulk`, action start), then the same 200 resolved by another;
 * each answer must say 200 done. Then the floor: 200 more started by 200 single requests.
 */
export async function bulkActionFigures(o: {
  apiUrl: string;
  databaseUrl: string;
  token: string;
  unitCode: string;
  rounds: number;
  /** The API's processes (one, or a cluster's primary and workers): their CPU is summed. */
  pids: number[];
}): Promise<BulkFigures> {
  const pick = () =>
    withClient(
      o.databaseUrl,
      async (c) =>
        (
          await c.query(
            `SELECT tracking_code AS "trackingCode", version FROM tickets
           WHERE unit_code = $1 AND status = 'ASSIGNED' ORDER BY due_at, id LIMIT $2`,
            [o.unitCode, BULK_BATCH],
          )
        ).rows as { trackingCode: string; version: number }[],
    );
  const unitOpen = await withClient(o.databaseUrl, async (c) =>
    Number(
      (
        await c.query(
          `SELECT count(*) FROM tickets WHERE unit_code = $1 AND status IN ('ASSIGNED','IN_PROGRESS','DEFERRED')`,
          [o.unitCode],
        )
      ).rows[0].count,
    ),
  );
  const url = `${o.apiUrl}/api/v1/tickets/bulk`;
  const timed = async (body: object) => {
    const t0 = performance.now();
    const answer = await post(url, o.token, body);
    const ms = performance.now() - t0;
    if (answer.done !== BULK_BATCH) throw new Error(`bulk ${JSON.stringify(answer).slice(0, 300)}`);
    return ms;
  };
  // One round to warm up (JIT, the pool's connections, the plans), not counted.
  const warm = await pick();
  await timed({ action: 'start', items: warm });
  const starts: number[] = [];
  const resolves: number[] = [];
  const cpu0 = cpuOf(o.pids);
  for (let i = 0; i < o.rounds; i++) {
    const items = await pick();
    starts.push(await timed({ action: 'start', items }));
    resolves.push(
      await timed({
        action: 'resolve',
        resolution: 'Đã bổ sung mũi tiêm trên Nền tảng',
        items: items.map((x) => ({ trackingCode: x.trackingCode, version: x.version + 1 })),
      }),
    );
  }
  const cpu1 = cpuOf(o.pids);
  const singlesOf = await pick();
  const t0 = performance.now();
  for (const x of singlesOf) await post(`${o.apiUrl}/api/v1/tickets/${x.trackingCode}/start`, o.token, {});
  const singlesMs = performance.now() - t0;
  return {
    batch: BULK_BATCH,
    unitOpen,
    start: latency(starts),
    resolve: latency(resolves),
    cpuNodePerTicket: cpu0 !== null && cpu1 !== null ? round((cpu1 - cpu0) / (o.rounds * 2 * BULK_BATCH), 3) : null,
    singles: { tickets: singlesOf.length, ms: round(singlesMs) },
  };
}

/** The ward whose officer acts in bulk (the queue benchmark's, Phường Tân Định). */
const UNIT = '26734';

/**
 * The bulk-action scenario alone, in a database of its own (`phananh_bench_bulk`: other
 * benchmarks may be running): 100,000 tickets of the 2021 campaign, 4,000 of them open in one
 * ward, one API process as the full run starts it. Its figures go into bench/last-run.json
 * (`bulk`) and BENCHMARKS.md is rendered again from it (§7), the other sections unchanged.
 * `node dist/bench/bulk-actions.js [rounds] [--no-write]`.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 8);
  const startedAt = new Date(performance.timeOrigin).toISOString();
  const loadAtStart = loadNow();
  const url = await resetBenchDatabase('phananh_bench_bulk');
  const campaign = await withClient(url, (c) => bulkCampaign(c, '2021-11'));
  const asOf = new Date('2021-11-08T20:00:00+07:00');
  const bg = await bulkLoadTickets(url, benchPii(), {
    count: 96_000,
    receivedFrom: campaign.intakeFrom,
    receivedTo: asOf,
    campaign,
    fast: true,
    serialStart: 0,
  });
  const unit = await bulkLoadTickets(url, benchPii(), {
    count: 4_000,
    receivedFrom: campaign.intakeFrom,
    receivedTo: asOf,
    campaign,
    unitCode: UNIT,
    openShare: 1,
    serialStart: 5_000_000,
  });
  await withClient(url, async (c) => {
    await seedOfficer(c, UNIT, 'bench-officer');
    await c.query('VACUUM ANALYZE');
  });
  const redis = await startBenchRedis();
  const api = await startBenchService('api', { databaseUrl: url, redisUrl: redis.url, redisPrefix: 'bench-bulk' });
  try {
    const token = await login(api.url, 'bench-officer');
    const figures = await bulkActionFigures({
      apiUrl: api.url,
      databaseUrl: url,
      token,
      unitCode: UNIT,
      rounds,
      pids: [api.proc.pid!],
    });
    figures.standalone = {
      startedAt,
      loadAtStart,
      loadAtEnd: loadNow(),
      command: `node dist/bench/bulk-actions.js ${rounds}`,
      totalTickets: bg.tickets + unit.tickets,
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    if (!args.includes('--no-write')) {
      const root = join(__dirname, '..', '..');
      const json = join(root, 'bench', 'last-run.json');
      const run = JSON.parse(readFileSync(json, 'utf8'));
      run.bulk = figures;
      writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
      writeFileSync(join(root, 'BENCHMARKS.md'), renderReport(withExports(run)));
      process.stderr.write('wrote bench/last-run.json (bulk) and BENCHMARKS.md\n');
    }
  } finally {
    await api.stop();
    await redis.stop();
    await withClient(PG_ADMIN_URL, (c) => c.query('DROP DATABASE IF EXISTS phananh_bench_bulk WITH (FORCE)'));
  }
}

if (require.main === module) {
  runMain(main, { label: 'bulk bench failed' });
}
