import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { benchPii, loadNow, resetBenchDatabase, withClient } from './bench-env';
import { login, seedDistrictSupervisors } from './officials';
import { startBenchRedis, startBenchService } from './services';
import { percentile, round, runMain } from './stats';

/**
 * The exports and the road to the cutoff at campaign size (issue 16), on their own: a bench
 * database with `--background` tickets of the 2021 campaign over the whole country (campaign
 * model, bulk COPY) plus `--rows` open tickets in one district (Quận 1, 760), then one API
 * process (as BENCHMARKS.md measures) and that district's supervisor:
 *
 * - the district's ticket list as CSV and as XLSX (`--rows` rows each): time, bytes, and the
 *   API process's resident memory sampled every 20 ms (peak, and peak minus the idle process);
 * - the same CSV read by a slow client (paused 50 ms every 64 kB): the process must not
 *   buffer what the client has not read yet, so its peak stays that of the fast read;
 * - the road's series (burn-down, on-time by day, at-risk) of the district, its province
 *   and the whole country: median of 5 requests each.
 *
 *   npm run build && node --enable-source-maps dist/bench/exports.js [--rows=100000] [--background=1000000]
 */
const DISTRICT = '760';
const BENCH_EXPORT_DB = 'phananh_bench_exports';

interface Measured {
  ms: number;
  bytes: number;
  rssIdleMb: number;
  rssPeakMb: number;
}

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
};

async function measure(pid: number, run: () => Promise<number>): Promise<Measured> {
  const rssIdleMb = rssMb(pid);
  let rssPeakMb = rssIdleMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), 20);
  const t = performance.now();
  try {
    const bytes = await run();
    return { ms: round(performance.now() - t), bytes, rssIdleMb: round(rssIdleMb), rssPeakMb: round(rssPeakMb) };
  } finally {
    clearInterval(sampler);
  }
}

async function download(url: string, token: string, slow = false): Promise<number> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200 || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  let sincePause = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    sincePause += chunk.length;
    if (slow && sincePause >= 65_536) {
      sincePause = 0;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return bytes;
}

async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const rows = Number(arg('rows') ?? 100_000);
  const background = Number(arg('background') ?? 1_000_000);
  const log = (m: string) => process.stderr.write(`[exports ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  log(`load ${loadNow()}; ${background} background tickets, ${rows} in district ${DISTRICT}`);
  const url = await resetBenchDatabase(BENCH_EXPORT_DB);
  const campaign = await withClient(url, (c) => bulkCampaign(c, '2021-11'));
  const asOf = new Date('2021-11-08T20:00:00+07:00');
  const loadStart = performance.now();
  await bulkLoadTickets(url, benchPii(), {
    count: background,
    receivedFrom: campaign.intakeFrom,
    receivedTo: asOf,
    campaign,
    fast: true,
    events: false,
    quiet: true,
    serialStart: 0,
    onProgress: (n) => (n % 200_000 === 0 ? log(`  loaded ${n}`) : undefined),
  });
  await bulkLoadTickets(url, benchPii(), {
    count: rows,
    receivedFrom: campaign.intakeFrom,
    receivedTo: asOf,
    campaign,
    unitCode: DISTRICT,
    openShare: 1,
    fast: true,
    events: false,
    quiet: true,
    serialStart: 50_000_000,
  });
  await withClient(url, async (c) => {
    await c.query('VACUUM ANALYZE tickets');
    await seedDistrictSupervisors(c);
    await c.query(
      `INSERT INTO users (username, password_hash, full_name, role, unit_code, created_at)
       SELECT 'bench-sup-79', password_hash, 'Giám sát tỉnh', 'SUPERVISOR', '79', now()
       FROM users WHERE username = $1 ON CONFLICT DO NOTHING`,
      [`bench-sup-${DISTRICT}`],
    );
  });
  log(`loaded in ${round((performance.now() - loadStart) / 1000)} s`);

  const redis = await startBenchRedis();
  const api = await startBenchService('api', {
    databaseUrl: url,
    redisUrl: redis.url,
    redisPrefix: 'exports',
    extra: { CLOCK_START: asOf.toISOString(), CLOCK_SPEED: '1', LOG_LEVEL: 'warn' },
  });
  try {
    const token = await login(api.url, `bench-sup-${DISTRICT}`);
    const pid = api.proc.pid!;
    const exportUrl = (kind: string) => `${api.url}/api/v1/exports/${kind}?unitCode=${DISTRICT}`;
    // A first small request warms the process (JIT, connections) so the peaks below are the export's.
    await download(`${api.url}/api/v1/sla/summary?unitCode=${DISTRICT}`, token);
    log('tickets.csv');
    const csv = await measure(pid, () => download(exportUrl('tickets.csv'), token));
    log('tickets.csv, slow client');
    const csvSlow = await measure(pid, () => download(exportUrl('tickets.csv'), token, true));
    log('tickets.xlsx');
    const xlsx = await measure(pid, () => download(exportUrl('tickets.xlsx'), token));

    const series: Record<string, Record<string, number>> = {};
    for (const [name, unit] of [
      ['district 760', DISTRICT],
      ['province 79', '79'],
    ]) {
      const reader = await login(api.url, `bench-sup-${unit}`);
      series[name] = {};
      for (const path of ['burndown', 'on-time-by-day', 'at-risk']) {
        const ms: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          const res = await fetch(`${api.url}/api/v1/sla/${path}?unitCode=${unit}`, {
            headers: { authorization: `Bearer ${reader}` },
          });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
          ms.push(performance.now() - t);
        }
        series[name][path] = round(percentile(ms, 50), 1);
      }
    }
    const results = {
      at: new Date().toISOString(),
      load: loadNow(),
      rows,
      background,
      csv,
      csvSlow,
      xlsx,
      series,
    };
    writeFileSync(
      join(__dirname, '..', '..', 'bench', 'exports-last-run.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await api.stop();
    await redis.stop();
  }
}

runMain(main);
