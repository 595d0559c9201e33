import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { MachineFacts, benchPii, loadNow, machineFacts, resetBenchDatabase, withClient } from './bench-env';
import { BulkFigures, bulkActionFigures } from './bulk-actions';
import { REQUEST_CATEGORIES, byCategory } from './cpu-profile-summary';
import { cpuMs, processTree } from './cpu';
import { CutoffFigures, cutoffFigures, dropCutoffDatabases } from './cutoff';
import { DeadlineFigures, deadlineFigures, redisPerTicket } from './deadlines';
import { LoadResult, PgbenchResult, fileReports, pacedReports, pgbenchBest, serviceBest } from './intake';
import { JobMemoryFigures, delayedJobMemory } from './job-memory';
import { login, seedDistrictSupervisors, seedOfficer } from './officials';
import { ImportFigures, officialsImportFigures } from './officials-import';
import { QueueFigures, queueFigures } from './queue';
import { ExportFigures, renderReport, withExports } from './report';
import { BenchRedis, LOG_DIR, Service, startBenchRedis, startBenchService } from './services';
import { ratio, round, runMain, sleep } from './stats';

/** Everything a run measured, handed to the report. */
export interface BenchResults {
  quick: boolean;
  command: string;
  sweepMs: number;
  startedAt: string;
  minutes: number;
  loadAtStart: string;
  loadAtEnd: string;
  machine: MachineFacts;
  sizes: Sizes;
  background: { tickets: number; open: number; events: number; ms: number; unitOpen: number };
  intake: {
    raw: { runs: PgbenchResult[]; best: PgbenchResult };
    service: { runs: LoadResult[]; best: LoadResult };
    /** Paced at 70 % of the best rate of `npm start`'s process count (of one process in runs before issue 17). */
    at70: LoadResult;
    framework: { rate: number; cpuNode: number };
    /** The API with `npm start`'s default process count (API_PROCESSES unset: the available parallelism). */
    cluster?: { processes: number; runs: LoadResult[]; best: LoadResult };
  };
  /** Where Node's CPU went, by part of the stack, in a profiled one-process API (bench/cpu-profile-summary.ts). */
  profiles?: { intake: string; queue: string };
  /** The previous full run's figures (bench/last-run.json before this run), for the goals "no worse than now". */
  baseline?: Baseline;
  queue: QueueFigures;
  redisMemory: { before: number; after: number; tickets: number; bytesPerTicket: number };
  jobMemory: JobMemoryFigures;
  deadlines: DeadlineFigures;
  scaleOut: {
    intake: LoadResult;
    single: LoadResult;
    counted: LoadResult;
    rowsAdded: number;
    distinctCitizens: number;
    deadlines: DeadlineFigures;
  };
  durability: { intake: LoadResult; deadlines: DeadlineFigures };
  cutoff: CutoffFigures;
  /** Bulk actions (absent from runs before they existed). */
  bulk?: BulkFigures;
  /** Absent from runs written before the import existed. */
  officialsImport?: ImportFigures;
  /** §9, measured by bench/exports.ts on its own and merged from bench/exports-last-run.json when present. */
  exports?: ExportFigures;
}

export interface Baseline {
  startedAt: string;
  deadlinesP99: number;
  cutoffRatio: number;
  intakeKept: number;
  redisBytesPerTicket: number;
}

interface Sizes {
  tickets: number;
  unitOpen: number;
  deadlines: number;
  windowSeconds: number;
  floorJobs: number;
  cutoff: number;
  memoryTickets: number;
  delayedJobs: number;
  seconds: number;
  pgClients: number[];
  connections: number[];
  lossCheck: number;
}

const FULL: Sizes = {
  tickets: 1_000_000,
  unitOpen: 10_000,
  deadlines: 100_000,
  windowSeconds: 60,
  floorJobs: 10_000,
  cutoff: 1_000_000,
  memoryTickets: 100_000,
  delayedJobs: 10_000,
  seconds: 10,
  pgClients: [8, 16, 32],
  connections: [16, 32, 64],
  lossCheck: 20_000,
};
const QUICK: Sizes = {
  tickets: 20_000,
  unitOpen: 1_000,
  deadlines: 2_000,
  windowSeconds: 10,
  floorJobs: 1_000,
  cutoff: 20_000,
  memoryTickets: 5_000,
  delayedJobs: 10_000,
  seconds: 4,
  pgClients: [16],
  connections: [32],
  lossCheck: 1_000,
};

/** A ward of Hồ Chí Minh City (Phường Tân Định, Quận 1): the unit whose officer's queue is measured. */
const QUEUE_UNIT = '26734';
const BACKGROUND_AS_OF = new Date('2021-11-08T20:00:00+07:00');
/** The sweep's interval in the deadline runs: a deadline waits for the next sweep, so p99 ≈ this + one batch. */
export const SWEEP_MS = process.env.BENCH_SWEEP_MS ?? '250';
const SLA_ENV = { SLA_SWEEP_INTERVAL_MS: SWEEP_MS };

const log = (msg: string) =>
  process.stderr.write(
    `[bench ${new Date(performance.timeOrigin + performance.now()).toISOString().slice(11, 19)}] ${msg}\n`,
  );

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const outArg = args.find((a) => a.startsWith('--out='))?.slice(6);
  const out = outArg ?? (quick ? '/tmp/BENCHMARKS.quick.md' : join(__dirname, '..', '..', 'BENCHMARKS.md'));
  // A full run into BENCHMARKS.md keeps its figures in bench/last-run.json, the JSON the committed report renders from.
  const outJson =
    outArg || quick ? out.replace(/\.md$/, '.json') : join(__dirname, '..', '..', 'bench', 'last-run.json');
  const sizes = quick ? QUICK : FULL;
  const baseline = readBaseline(join(__dirname, '..', '..', 'bench', 'last-run.json'));
  const started = performance.now();
  const startedAt = new Date(performance.timeOrigin).toISOString();
  const loadAtStart = loadNow();
  log(`${quick ? 'quick' : 'full'} run, load ${loadAtStart}`);

  // Each phase's figures are kept as soon as it ends, so a run stopped part-way still tells something.
  const partial: Record<string, unknown> = { startedAt, loadAtStart, quick };
  const save = <T>(key: string, value: T): T => {
    partial[key] = value;
    partial.loadNow = loadNow();
    writeFileSync(out.replace(/\.md$/, '.partial.json'), JSON.stringify(partial, null, 2));
    return value;
  };
  const redis = await startBenchRedis();
  const services: Service[] = [];
  const redisServers: BenchRedis[] = [redis];
  try {
    const machine = await machineFacts(redis.url);
    log('database: reset and bulk load');
    const url = await resetBenchDatabase();
    const campaign = await withClient(url, (c) => bulkCampaign(c, '2021-11'));
    const bg = await bulkLoadTickets(url, benchPii(), {
      count: sizes.tickets - sizes.unitOpen,
      receivedFrom: campaign.intakeFrom,
      receivedTo: BACKGROUND_AS_OF,
      campaign,
      fast: true,
      serialStart: 0,
      onProgress: (n) => (quick || n % 100_000 === 0 ? log(`  loaded ${n}`) : undefined),
    });
    const unit = await bulkLoadTickets(url, benchPii(), {
      count: sizes.unitOpen,
      receivedFrom: campaign.intakeFrom,
      receivedTo: BACKGROUND_AS_OF,
      campaign,
      unitCode: QUEUE_UNIT,
      openShare: 1,
      serialStart: 5_000_000,
    });
    await withClient(url, async (c) => {
      await seedDistrictSupervisors(c);
      await seedOfficer(c, QUEUE_UNIT, 'bench-officer');
      await c.query(`VACUUM ANALYZE`);
    });
    log(`loaded ${bg.tickets + unit.tickets} tickets in ${round((bg.ms + unit.ms) / 1000)} s`);

    // 1. Intake
    log('intake: pgbench');
    const raw = save('raw', await pgbenchBest(sizes.pgClients, sizes.seconds));
    const env = { databaseUrl: url, redisUrl: redis.url, redisPrefix: 'bench' };
    const api = await startBenchService('api', env);
    services.push(api);
    const pid = [api.proc.pid!];
    log('intake: the service');
    await fileReports([api.url], { connections: 16, seconds: 3, serialStart: 6_000_000 });
    const framework = await frameworkFloor(api, sizes.seconds);
    const service = await serviceBest([api.url], sizes.connections, sizes.seconds, 7_000_000, pid);
    // Where a one-process API spends its CPU on a report and on a queue page (the profile beside any goal not met).
    await api.stop();
    services.splice(services.indexOf(api), 1);
    log('profiles: intake and queue page under --cpu-prof');
    const profiles = save('profiles', await profileRun(env, sizes.seconds));

    // npm start's default process count (API_PROCESSES unset): the goals' intake, paced p99 and queue page.
    log(`intake: npm start's default process count (${availableParallelism()})`);
    const clusterApi = await startBenchService('api', { ...env, processes: 'default' });
    services.push(clusterApi);
    await fileReports([clusterApi.url], { connections: 16, seconds: 3, serialStart: 8_500_000 });
    const clusterPids = processTree(clusterApi.proc.pid!);
    const clusterBest = await serviceBest([clusterApi.url], sizes.connections, sizes.seconds, 9_000_000, clusterPids);
    const cluster = { processes: clusterPids.length - 1, ...clusterBest };
    const at70 = await pacedReports(clusterApi.url, {
      connections: 64,
      seconds: sizes.seconds,
      rate: Math.round(cluster.best.rate * 0.7),
      serialStart: 10_000_000,
      pids: clusterPids,
    });
    save('intake', { service, at70, framework, cluster });

    // 2. Queue
    log('queue');
    const token = await login(clusterApi.url, 'bench-officer');
    const total = await withClient(url, async (c) =>
      Number((await c.query(`SELECT count(*) FROM tickets`)).rows[0].count),
    );
    const q = await queueFigures({
      apiUrl: clusterApi.url,
      databaseUrl: url,
      token,
      unitCode: QUEUE_UNIT,
      depth: Math.round(sizes.unitOpen * 0.9),
      seconds: sizes.seconds,
      connections: 4,
    });
    save('queue', q);

    // 2b. Bulk actions: the same officer, 200 of the unit's open tickets per request
    log('bulk actions');
    const bulk = save(
      'bulk',
      await bulkActionFigures({
        apiUrl: clusterApi.url,
        databaseUrl: url,
        token,
        unitCode: QUEUE_UNIT,
        rounds: quick ? 2 : 8,
        pids: clusterPids,
      }),
    );
    await clusterApi.stop();
    services.splice(services.indexOf(clusterApi), 1);

    // 3. Deadlines, and Redis memory per open ticket
    log('redis memory per open ticket');
    const redisMemory = save(
      'redisMemory',
      await redisPerTicket({ ...env, count: sizes.memoryTickets, clockStart: BACKGROUND_AS_OF }),
    );
    log('redis memory per delayed BullMQ job (the design not taken)');
    const jobMemory = save('jobMemory', await delayedJobMemory(sizes.delayedJobs));
    log('deadlines: one worker');
    const deadlineRun = (k: number, workers: number, r: BenchRedis, prefix: string) =>
      deadlineFigures({
        databaseUrl: url,
        redisUrl: r.url,
        redisPrefix: prefix,
        workers,
        count: sizes.deadlines,
        windowSeconds: sizes.windowSeconds,
        firstDue: new Date(BACKGROUND_AS_OF.getTime() + (10 + 10 * k) * 60_000),
        leadMs: quick ? 15_000 : 25_000,
        floorJobs: sizes.floorJobs,
        serialStart: 20_000_000 + k * 1_000_000,
        extraEnv: SLA_ENV,
      });
    const deadlines = save('deadlines', await deadlineRun(0, 1, redis, 'bench-d0'));

    // 5. Scale-out: two API and two worker processes
    log('scale-out: two API processes');
    const apis = [await startBenchService('api', env), await startBenchService('api', env)];
    services.push(...apis);
    const bestConnections = service.best.connections;
    const countRows = () =>
      withClient(
        url,
        async (c) =>
          (await c.query(`SELECT count(*)::int AS n, count(DISTINCT citizen_id_hash)::int AS d FROM tickets`))
            .rows[0] as { n: number; d: number },
      );
    await fileReports(
      apis.map((a) => a.url),
      { connections: 16, seconds: 3, serialStart: 11_000_000 },
    );
    const scaled = await fileReports(
      apis.map((a) => a.url),
      {
        connections: bestConnections * 2,
        seconds: sizes.seconds,
        serialStart: 12_000_000,
        pids: apis.map((a) => a.proc.pid!),
      },
    );
    // No loss, no duplicates: a fixed number of filings, every one answered, against the rows added.
    // The timed run above ends with requests in flight: wait until they have all landed.
    let before = await countRows();
    for (let settled = 0; settled < 3;) {
      await sleep(1000);
      const now = await countRows();
      settled = now.n === before.n ? settled + 1 : 0;
      before = now;
    }
    const counted = await fileReports(
      apis.map((a) => a.url),
      { connections: bestConnections * 2, seconds: 600, maxRequests: sizes.lossCheck, serialStart: 13_000_000 },
    );
    const after = await countRows();
    const single = await fileReports([apis[0].url], {
      connections: bestConnections,
      seconds: sizes.seconds,
      serialStart: 14_000_000,
      pids: [apis[0].proc.pid!],
    });
    await Promise.all(apis.map((a) => a.stop()));
    services.length = 0;
    log('scale-out: two workers');
    save('scaleOutIntake', { scaled, counted, single, before, after });
    const scaledDeadlines = save('scaleOutDeadlines', await deadlineRun(1, 2, redis, 'bench-d1'));

    // 6. Durability: Redis with an append-only file, fsync every second
    log('durability: Redis appendonly yes, appendfsync everysec');
    const aof = await startBenchRedis(['--appendonly', 'yes', '--appendfsync', 'everysec']);
    redisServers.push(aof);
    const durableApi = await startBenchService('api', { ...env, redisUrl: aof.url });
    services.push(durableApi);
    await fileReports([durableApi.url], { connections: 16, seconds: 3, serialStart: 16_000_000 });
    const durableIntake = await fileReports([durableApi.url], {
      connections: bestConnections,
      seconds: sizes.seconds,
      serialStart: 17_000_000,
      pids: [durableApi.proc.pid!],
    });
    await durableApi.stop();
    services.length = 0;
    save('durableIntake', durableIntake);
    const durableDeadlines = save('durableDeadlines', await deadlineRun(2, 1, aof, 'bench-d2'));

    // 4. Cutoff (its own databases: a million open tickets)
    log('cutoff');
    const cutoff = await cutoffFigures({
      count: sizes.cutoff,
      leadMs: quick ? 25_000 : 45_000,
      intakeSeconds: sizes.seconds,
      redisUrl: redis.url,
      redisPrefix: 'bench-cutoff',
      serialStart: 30_000_000,
      pids: (s) => s.map((x) => x.proc.pid!),
    });
    await dropCutoffDatabases();

    // 7. The officials' CSV import (its own database)
    log("officials' import");
    const officialsImport = save('officialsImport', await officialsImportFigures(quick ? 2_000 : 12_000));

    const results: BenchResults = {
      quick,
      command: process.env.BENCH_COMMAND ?? `npm run bench${quick ? ' -- --quick' : ''}`,
      sweepMs: Number(SWEEP_MS),
      startedAt,
      minutes: round((performance.now() - started) / 60_000, 1),
      loadAtStart,
      loadAtEnd: loadNow(),
      machine,
      sizes: sizes as unknown as BenchResults['sizes'],
      background: {
        tickets: bg.tickets + unit.tickets,
        open: bg.open + unit.open,
        events: bg.events + unit.events,
        ms: bg.ms + unit.ms,
        unitOpen: unit.open,
      },
      intake: { raw, service, at70, framework, cluster },
      profiles,
      baseline,
      queue: { ...q, unitOpen: sizes.unitOpen, totalTickets: total },
      redisMemory,
      jobMemory,
      deadlines,
      scaleOut: {
        intake: scaled,
        single,
        counted,
        rowsAdded: after.n - before.n,
        distinctCitizens: after.d - before.d,
        deadlines: scaledDeadlines,
      },
      durability: { intake: durableIntake, deadlines: durableDeadlines },
      cutoff,
      bulk,
      officialsImport,
    };
    writeFileSync(outJson, JSON.stringify(results, null, 2));
    writeFileSync(out, renderReport(withExports(results)));
    log(`wrote ${out} in ${results.minutes} min`);
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(redisServers.map((r) => r.stop()));
  }
}

/** GET /health/live on the same process: what the HTTP stack alone costs per request. */
async function frameworkFloor(api: Service, seconds: number) {
  const c0 = cpuMs(api.proc.pid!)!;
  const r = await autocannon({ url: `${api.url}/health/live`, connections: 16, duration: seconds });
  return {
    rate: round(r.requests.total / r.duration),
    cpuNode: round((cpuMs(api.proc.pid!)! - c0) / r.requests.total, 3),
  };
}

/** The previous full run's figures that the goals "no worse than now" compare with; undefined without one. */
function readBaseline(file: string): Baseline | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  return {
    startedAt: r.startedAt,
    deadlinesP99: r.deadlines.p99,
    cutoffRatio: ratio(r.cutoff.serviceMs, r.cutoff.floorMs),
    intakeKept: ratio(r.cutoff.intakeDuring.rate, r.cutoff.intakeBefore.rate),
    redisBytesPerTicket: r.redisMemory.bytesPerTicket,
  };
}

/**
 * A one-process API under --cpu-prof, filing reports then serving the queue page for `seconds`
 * each: its CPU by part of the stack (REQUEST_CATEGORIES), the profile beside a goal not met.
 */
export async function profileRun(env: { databaseUrl: string; redisUrl: string; redisPrefix: string }, seconds: number) {
  const dir = join(LOG_DIR, `prof-${Date.now()}`);
  const categories = async (run: (api: Service) => Promise<unknown>) => {
    const sub = join(dir, String(readdirSafe(dir).length));
    const api = await startBenchService('api', { ...env, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${sub}`] });
    try {
      await run(api);
    } finally {
      await api.stop();
    }
    const file = readdirSafe(sub).find((f) => f.endsWith('.cpuprofile'));
    return file ? byCategory(join(sub, file), REQUEST_CATEGORIES) : 'no profile written';
  };
  const intake = await categories((api) =>
    fileReports([api.url], { connections: 32, seconds, serialStart: 8_000_000 }),
  );
  const queue = await categories(async (api) => {
    const token = await login(api.url, 'bench-officer');
    await autocannon({
      url: `${api.url}/api/v1/tickets?limit=50`,
      connections: 4,
      duration: seconds,
      headers: { authorization: `Bearer ${token}` },
    });
  });
  return { intake, queue };
}

const readdirSafe = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

if (require.main === module) {
  runMain(main, { label: 'bench failed' });
}
