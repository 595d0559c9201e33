import { Client } from 'pg';
import { toVnIso } from '@phananh/core';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { PG_ADMIN_URL, benchPii, dbUrl, resetBenchDatabase, withClient } from './bench-env';
import { realNow } from './deadlines';
import { LoadResult, fileReports } from './intake';
import { Service, startBenchService } from './services';
import { round, sleep } from './stats';

const OPEN = `('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`;
export const CUTOFF_SOURCE_DB = 'phananh_bench_cutoff_src';
const FLOOR_DB = 'phananh_bench_cutoff_floor';
const SERVICE_DB = 'phananh_bench_cutoff_svc';
/** As CampaignCutoffService flags them: one transaction per span of ticket ids. */
const SPAN = 20_000;

export interface CutoffFigures {
  openTickets: number;
  loadMs: number;
  floorMs: number;
  floorRows: number;
  serviceMs: number;
  flagged: number;
  summaries: number;
  intakeBefore: LoadResult;
  intakeDuring: LoadResult;
  /** Intake on the floor's copy while its UPDATE ran (absent from runs before the floor ran under intake). */
  intakeDuringFloor?: LoadResult;
}

/** Files reports in windows of `seconds` for as long as `running()` holds: one rate over the whole stretch. */
async function intakeWhile(
  url: string,
  running: () => boolean,
  opts: { seconds: number; serialStart: number; pids: number[]; database: string },
): Promise<LoadResult> {
  const windows: LoadResult[] = [];
  do {
    windows.push(
      await fileReports([url], {
        connections: 32,
        seconds: opts.seconds,
        serialStart: opts.serialStart + windows.length * 100_000,
        pids: opts.pids,
        database: opts.database,
      }),
    );
  } while (running());
  const sum = (f: (w: LoadResult) => number) => windows.reduce((n, w) => n + f(w), 0);
  const seconds = sum((w) => w.seconds);
  const ok = sum((w) => w.ok);
  const worst = (f: (w: LoadResult) => number) => Math.max(...windows.map(f));
  const perOk = (f: (w: LoadResult) => number) => round(sum((w) => f(w) * w.ok) / ok, 3);
  return {
    ...windows[0],
    seconds: round(seconds, 1),
    sent: sum((w) => w.sent),
    ok,
    non2xx: sum((w) => w.non2xx),
    errors: sum((w) => w.errors),
    rate: round(ok / seconds),
    // The worst window's percentiles: an upper bound, not the stretch's own percentile.
    p50: worst((w) => w.p50),
    p99: worst((w) => w.p99),
    max: worst((w) => w.max),
    statuses: {},
    cpuNode: perOk((w) => w.cpuNode),
    cpuPg: perOk((w) => w.cpuPg),
    cpuClient: perOk((w) => w.cpuClient),
  };
}

async function copyDatabase(from: string, to: string): Promise<string> {
  if (!/bench/.test(to)) throw new Error(`refusing to drop ${to}`);
  await withClient(PG_ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${to}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${to}" TEMPLATE "${from}"`);
  });
  return dbUrl(to);
}

export async function dropCutoffDatabases(): Promise<void> {
  await withClient(PG_ADMIN_URL, async (c) => {
    for (const name of [CUTOFF_SOURCE_DB, FLOOR_DB, SERVICE_DB])
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/**
 * A million open tickets of the 2021 campaign (their ladders long done, as they would be by
 * then), in one database copied twice: on one copy a plain batched UPDATE sets the flag on
 * the same rows, in the same id spans, as the floor; on the other the worker runs the
 * cutoff when its clock reaches it, while the API takes reports at full speed, beside the
 * rate it had just before on the same copy.
 */
export async function cutoffFigures(opts: {
  count: number;
  leadMs: number;
  intakeSeconds: number;
  redisUrl: string;
  redisPrefix: string;
  serialStart: number;
  pids: (services: Service[]) => number[];
}): Promise<CutoffFigures> {
  const srcUrl = await resetBenchDatabase(CUTOFF_SOURCE_DB);
  const campaign = await withClient(srcUrl, (c) => bulkCampaign(c, '2021-11'));
  const cutoffAt = campaign.policy.cutoffAt!;
  const loaded = await bulkLoadTickets(srcUrl, benchPii(), {
    count: opts.count,
    receivedFrom: campaign.intakeFrom,
    receivedTo: new Date('2021-11-11T00:00:00+07:00'),
    asOf: new Date(cutoffAt.getTime() - 60_000),
    campaign,
    openShare: 1,
    quiet: true,
    fast: true,
    serialStart: opts.serialStart,
  });
  await withClient(srcUrl, (c) => c.query(`VACUUM ANALYZE tickets`));

  const floorUrl = await copyDatabase(CUTOFF_SOURCE_DB, FLOOR_DB);
  const serviceUrl = await copyDatabase(CUTOFF_SOURCE_DB, SERVICE_DB);

  // The floor runs under the same intake as the service's cutoff (an API on the floor's copy
  // taking reports at full speed), so that the ratio compares the two passes, not their loads.
  const floorApi = await startBenchService('api', {
    databaseUrl: floorUrl,
    redisUrl: opts.redisUrl,
    redisPrefix: `${opts.redisPrefix}-floor`,
  });
  await fileReports([floorApi.url], { connections: 16, seconds: 3, serialStart: opts.serialStart + 4_000_000 });
  let floorRunning = true;
  const [floor, intakeDuringFloor] = await Promise.all([
    withClient(floorUrl, async (c) => {
      const [{ lo, hi }] = (await c.query(`SELECT min(id) AS lo, max(id) AS hi FROM tickets`)).rows;
      const started = performance.now();
      let rows = 0;
      for (let from = Number(lo); from <= Number(hi); from += SPAN) {
        const r = await c.query(
          `UPDATE tickets SET cutoff_missed = true
           WHERE id >= $1 AND id < $2 AND campaign_code = $3 AND NOT cutoff_missed AND status IN ${OPEN}`,
          [from, from + SPAN, campaign.code],
        );
        rows += r.rowCount ?? 0;
      }
      floorRunning = false;
      return { ms: Math.round(performance.now() - started), rows };
    }),
    intakeWhile(floorApi.url, () => floorRunning, {
      seconds: opts.intakeSeconds,
      serialStart: opts.serialStart + 5_000_000,
      pids: opts.pids([floorApi]),
      database: FLOOR_DB,
    }),
  ]);
  await floorApi.stop();

  const anchor = realNow();
  const env = {
    databaseUrl: serviceUrl,
    redisUrl: opts.redisUrl,
    redisPrefix: opts.redisPrefix,
    extra: {
      CLOCK_START: toVnIso(new Date(cutoffAt.getTime() - opts.leadMs)),
      CLOCK_ANCHOR: new Date(anchor).toISOString(),
    },
  };
  const api = await startBenchService('api', env);
  const worker = await startBenchService('worker', env);
  const services = [api, worker];
  try {
    const cutoffReal = anchor + opts.leadMs;
    await fileReports([api.url], { connections: 16, seconds: 3, serialStart: opts.serialStart + 1_000_000 });
    const seconds = Math.max(5, Math.min(opts.intakeSeconds, Math.floor((cutoffReal - realNow()) / 1000) - 2));
    const intakeBefore = await fileReports([api.url], {
      connections: 32,
      seconds,
      serialStart: opts.serialStart + 2_000_000,
      pids: opts.pids(services),
      database: SERVICE_DB,
    });
    while (realNow() < cutoffReal) await sleep(50);
    const client = new Client({ connectionString: serviceUrl });
    await client.connect();
    try {
      const until = realNow() + 30 * 60_000;
      const state: { processed: Date | null } = { processed: null };
      const watch = (async () => {
        while (!state.processed && realNow() < until) {
          state.processed = (
            await client.query(`SELECT cutoff_processed_at FROM campaigns WHERE code = $1`, [campaign.code])
          ).rows[0].cutoff_processed_at;
          if (!state.processed) await sleep(500);
        }
      })();
      const intakeDuring = await intakeWhile(api.url, () => !state.processed && realNow() < until, {
        seconds: opts.intakeSeconds,
        serialStart: opts.serialStart + 3_000_000,
        pids: opts.pids(services),
        database: SERVICE_DB,
      });
      await watch;
      const [counts] = (
        await client.query(
          `SELECT (SELECT count(*)::int FROM tickets WHERE campaign_code = $1 AND cutoff_missed) AS flagged,
                  (SELECT count(*)::int FROM alert_events WHERE kind = 'CUTOFF_MISSED') AS summaries`,
          [campaign.code],
        )
      ).rows;
      return {
        openTickets: loaded.open,
        loadMs: loaded.ms,
        floorMs: floor.ms,
        floorRows: floor.rows,
        serviceMs: state.processed ? round(state.processed.getTime() - cutoffAt.getTime()) : NaN,
        flagged: counts.flagged,
        summaries: counts.summaries,
        intakeBefore,
        intakeDuring,
        intakeDuringFloor,
      };
    } finally {
      await client.end();
    }
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
}
