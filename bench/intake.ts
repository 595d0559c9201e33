import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { TICKET_COLUMNS, TICKET_KEYS, TicketRecord, columnNames } from '@phananh/ticket-store';
import { Geography, ReportGenerator } from '../test/support/campaign-model';
import { BENCH_DB, PG_ADMIN_URL, dbUrl } from './bench-env';
import { CpuMeter, cpuMs } from './cpu';
import { LOG_DIR } from './services';
import { percentile, round } from './stats';

const run = promisify(execFile);
export const PGBENCH = process.env.PGBENCH ?? 'pgbench';

/**
 * One ticket row as intake writes it, into the same table with the same indexes: a unique
 * tracking code and blind index, random bytes where the service stores ciphertexts. Every
 * column has its SQL expression here, so the compiler says when a column is added.
 */
const PGBENCH_VALUES: Record<keyof TicketRecord, string> = {
  trackingCode: `'B' || substr(md5(random()::text), 1, 15)`,
  status: `'ASSIGNED'`,
  issueType: `'MISSING_DOSE'`,
  receivedAt: 'now()',
  dueAt: `now() + interval '48 hours'`,
  overdueSince: 'NULL',
  cutoffMissed: 'false',
  campaignCode: 'NULL',
  unitCode: `'26734'`,
  districtCode: `'760'`,
  provinceCode: `'79'`,
  citizenName: `'Nguyễn Văn An'`,
  citizenDob: `'1990-05-17'`,
  citizenIdEnc: 'gen_random_bytes(41)',
  citizenIdHash: 'sha256(gen_random_bytes(16))',
  phoneEnc: 'gen_random_bytes(41)',
  phoneHash: 'sha256(gen_random_bytes(16))',
  citizenIdMasked: `'079******345'`,
  phoneMasked: `'+8491****678'`,
  citizenWardCode: `'26734'`,
  doseNumber: '2',
  vaccineCode: `'COMIRNATY'`,
  vaccinatedOn: `'2021-10-20'`,
  doseWardCode: `'26734'`,
  facilityName: `'Trạm Y tế'`,
  lotNumber: `'FF2593'`,
  description: `'Mũi 2 chưa có trên Sổ sức khỏe điện tử'`,
  resolution: 'NULL',
  rejectionReasonCode: 'NULL',
  rejectionNote: 'NULL',
  duplicateOf: 'NULL',
  mergedInto: 'NULL',
  slaStage: '3',
  slaNextAt: 'NULL',
  version: '1',
  updatedAt: 'now()',
  closedAt: 'NULL',
  piiErasedAt: 'NULL',
  noticeVersion: `'${PRIVACY_NOTICE_VERSION}'`,
  emailEnc: 'NULL',
  lang: `'vi'`,
};
const PGBENCH_SCRIPT = `INSERT INTO tickets (${columnNames(TICKET_COLUMNS, TICKET_KEYS)})
VALUES (${TICKET_KEYS.map((k) => PGBENCH_VALUES[k]).join(', ')});
`;

export interface PgbenchResult {
  clients: number;
  tps: number;
  latencyMs: number;
  /** CPU ms per insert: PostgreSQL's backends, and pgbench itself. */
  cpuPg: number;
  cpuClient: number;
}

/** pgbench at one client count for `seconds`: single-row INSERT transactions per second. */
export async function pgbench(clients: number, seconds: number, database = BENCH_DB): Promise<PgbenchResult> {
  const script = join(LOG_DIR, 'pgbench-insert.sql');
  writeFileSync(script, PGBENCH_SCRIPT);
  const u = new URL(PG_ADMIN_URL);
  const meter = new CpuMeter(() => [], { url: dbUrl(database), name: database });
  await meter.start();
  const { stdout } = await run(
    PGBENCH,
    ['-n', '-M', 'prepared', '-f', script, '-c', String(clients), '-j', '2', '-T', String(seconds),
     '-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres', database],
    { timeout: (seconds + 60) * 1000 },
  ); // prettier-ignore
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  const cpu = await meter.stop();
  const done = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]) || tps * seconds;
  return {
    clients,
    tps: round(tps),
    latencyMs,
    cpuPg: round(cpu.pg / done, 3),
    cpuClient: round(cpu.children / done, 3),
  };
}

export async function pgbenchBest(clientCounts: number[], seconds: number) {
  const runs: PgbenchResult[] = [];
  for (const c of clientCounts) runs.push(await pgbench(c, seconds));
  const best = runs.reduce((a, b) => (b.tps > a.tps ? b : a));
  return { runs, best };
}

export interface LoadResult {
  connections: number;
  targetRate: number | null;
  seconds: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** 2xx answers per second. */
  rate: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  /** CPU ms per 2xx answer: the service's processes, PostgreSQL's backends, and this load generator. */
  cpuNode: number;
  cpuPg: number;
  cpuClient: number;
}

/**
 * POST /api/v1/reports with autocannon: keep-alive connections, a fresh valid report per
 * request (a new citizen each time, so every answer is a 201, not a duplicate's 200).
 * With `rate`, autocannon sends each connection's share of a second back to back at the
 * start of the second and then waits: bursts, not a steady rate (see pacedReports).
 */
export async function fileReports(
  urls: string[],
  opts: {
    connections: number;
    seconds: number;
    rate?: number;
    serialStart: number;
    maxRequests?: number;
    /** Processes whose CPU time is the service's. */
    pids?: number[];
    /** The database whose backends' CPU time is counted (default the benchmark's). */
    database?: string;
  },
): Promise<LoadResult> {
  const geography = new Geography();
  const database = opts.database ?? BENCH_DB;
  const meter = new CpuMeter(() => opts.pids ?? [], { url: dbUrl(database), name: database });
  await meter.start();
  const selfStart = cpuMs('self')!;
  const perTarget = await Promise.all(
    urls.map((url, k) => {
      const generator = new ReportGenerator(geography, { serialStart: opts.serialStart + k * 20_000_000 });
      const connections = Math.max(1, Math.round(opts.connections / urls.length));
      return autocannon({
        url,
        connections,
        duration: opts.seconds,
        ...(opts.maxRequests ? { maxOverallRequests: Math.round(opts.maxRequests / urls.length) } : {}),
        ...(opts.rate ? { overallRate: Math.max(1, Math.round(opts.rate / urls.length)) } : {}),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/reports',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify(generator.next().body) }),
          },
        ],
      });
    }),
  );
  const statuses: Record<string, number> = {};
  for (const r of perTarget) {
    for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statuses[k] = (statuses[k] ?? 0) + (v.count ?? 0);
  }
  const cpu = await meter.stop();
  const selfCpu = cpuMs('self')! - selfStart;
  const ok = perTarget.reduce((s, r) => s + r['2xx'], 0);
  const seconds = Math.max(...perTarget.map((r) => r.duration));
  return {
    connections: opts.connections,
    targetRate: opts.rate ?? null,
    seconds: round(seconds, 1),
    sent: perTarget.reduce((s, r) => s + r.requests.sent, 0),
    ok,
    non2xx: perTarget.reduce((s, r) => s + r.non2xx, 0),
    errors: perTarget.reduce((s, r) => s + r.errors + r.timeouts, 0),
    rate: round(ok / seconds),
    p50: Math.max(...perTarget.map((r) => r.latency.p50)),
    p99: Math.max(...perTarget.map((r) => r.latency.p99)),
    max: Math.max(...perTarget.map((r) => r.latency.max)),
    statuses,
    cpuNode: round(cpu.node / ok, 3),
    cpuPg: round(cpu.pg / ok, 3),
    cpuClient: round(selfCpu / ok, 3),
  };
}

/** The service's best rate over a few connection counts. */
export async function serviceBest(
  urls: string[],
  connectionCounts: number[],
  seconds: number,
  serialStart: number,
  pids: number[],
) {
  const runs: LoadResult[] = [];
  for (const [i, connections] of connectionCounts.entries()) {
    runs.push(await fileReports(urls, { connections, seconds, serialStart: serialStart + i * 1_000_000, pids }));
  }
  const best = runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  return { runs, best };
}

/**
 * POST /api/v1/reports at a steady rate: request i is due at start + i / rate, sent over at
 * most `connections` keep-alive sockets, and its latency runs from when it was due (so a
 * request that waited for a free socket, or for this generator, counts that wait: no
 * coordinated omission). autocannon's `overallRate` sends each connection's quota in a burst
 * at the start of every second, which measures a saturated server twice a second rather
 * than one at the asked rate.
 */
export async function pacedReports(
  url: string,
  opts: { rate: number; seconds: number; connections: number; serialStart: number; pids: number[] },
): Promise<LoadResult> {
  const generator = new ReportGenerator(new Geography(), { serialStart: opts.serialStart });
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const target = new URL('/api/v1/reports', url);
  const meter = new CpuMeter(() => opts.pids, { url: dbUrl(BENCH_DB), name: BENCH_DB });
  await meter.start();
  const selfStart = cpuMs('self')!;
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(generator.next().body);
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - dueAt);
            statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total;) {
    const now = performance.now();
    for (; i < total && started + (i * 1000) / opts.rate <= now; i++)
      inFlight.push(send(started + (i * 1000) / opts.rate));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const cpu = await meter.stop();
  const ok = Object.entries(statuses).reduce((n, [code, count]) => (code.startsWith('2') ? n + count : n), 0);
  return {
    connections: opts.connections,
    targetRate: opts.rate,
    seconds: round(seconds, 1),
    sent: total,
    ok,
    non2xx: latencies.length - ok,
    errors,
    rate: round(ok / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(Math.max(...latencies)),
    statuses,
    cpuNode: round(cpu.node / ok, 3),
    cpuPg: round(cpu.pg / ok, 3),
    cpuClient: round((cpuMs('self')! - selfStart) / ok, 3),
  };
}
