import { Client } from 'pg';
import { toVnIso } from '@phananh/core';
import { bulkCampaign, bulkLoadTickets } from '../libs/testing/src/bulk-load';
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

  const floor = await withClient(floorUrl, async (c) => {
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
    return { ms: Math.round(performance.now() - started), rows };
  });

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
    const duringSeconds = Math.max(seconds, Math.ceil((floor.ms * 1.2) / 1000));
    const intakeDuring = await fileReports([api.url], {
      connections: 32,
      seconds: duringSeconds,
      serialStart: opts.serialStart + 3_000_000,
      pids: opts.pids(services),
      database: SERVICE_DB,
    });
    const client = new Client({ connectionString: serviceUrl });
    await client.connect();
    try {
      const until = realNow() + 30 * 60_000;
      let processed: Date | null = null;
      while (!processed && realNow() < until) {
        processed = (await client.query(`SELECT cutoff_processed_at FROM campaigns WHERE code = $1`, [campaign.code]))
          .rows[0].cutoff_processed_at;
        if (!processed) await sleep(500);
      }
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
        serviceMs: processed ? round(processed.getTime() - cutoffAt.getTime()) : NaN,
        flagged: counts.flagged,
        summaries: counts.summaries,
        intakeBefore,
        intakeDuring,
      };
    } finally {
      await client.end();
    }
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
}
