import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { HOUR_MS } from '@phananh/core';
import { Geography, GeneratedReport, ReportGenerator, campaignInstant } from '../test/support/campaign-model';
import { PG_ADMIN_URL, dbUrl, withClient } from './bench-env';
import { prepareDatabase } from '@phananh/database';
import { loadReferenceData } from '@phananh/reference';
import { Service, startBenchRedis, startBenchService, BenchRedis } from './services';
import { realNow } from './deadlines';
import { runMain, sleep } from './stats';

const HELP = `npm run simulate -- [options]

Replays the 03–10 Nov 2021 campaign through the real API on the simulated clock: citizens file
reports (provinces weighted by population, evening peaks, a share of invalid ones), officials of
each province's health department work their queues at configurable rates (some provinces
understaffed), and the SLA engine alerts. At the end: outcomes per province.

  --reports N         reports to file (default 2000)
  --speed S           simulated ms per real ms (default 7200: the 10 days to the cutoff in ~2 min)
  --invalid SHARE     share of invalid reports (default 0.05)
  --staffing F        officials' capacity ÷ expected load in a staffed province (default 1.6)
  --understaffed SH   share of provinces staffed at 0.4 of their load (default 0.3)
  --seed N            random seed (default 2021)
  --url URL           use a running service instead of starting one (it must run on a simulated
                      clock from 2021-11-03); with --admin-user, --admin-password, --database-url
`;

/** A small deterministic generator (mulberry32), so that two runs with one seed file the same reports. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAMPAIGN_START = new Date('2021-11-03T00:00:00+07:00');
const INTAKE_END = new Date('2021-11-11T00:00:00+07:00');
const CUTOFF = new Date('2021-11-13T00:00:00+07:00');
const SIM_DB = 'phananh_sim';
const ADMIN = { username: 'sim-admin', password: 'sim-admin-password-2021' };
const OFFICIAL_PASSWORD = 'sim-official-2021';
/** What each official chooses at the first sign-in, which the service forces after an admin created the account. */
const OWN_PASSWORD = 'sổ-sức-khỏe-điện-tử-2021';
/** Officials work 07:00–22:00 local time. */
const WORK_FROM = 7;
const WORK_TO = 22;

interface Options {
  reports: number;
  speed: number;
  invalid: number;
  staffing: number;
  understaffed: number;
  seed: number;
  url?: string;
  adminUser: string;
  adminPassword: string;
  databaseUrl?: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      reports: { type: 'string', default: '2000' },
      speed: { type: 'string', default: '7200' },
      invalid: { type: 'string', default: '0.05' },
      staffing: { type: 'string', default: '1.6' },
      understaffed: { type: 'string', default: '0.3' },
      seed: { type: 'string', default: '2021' },
      url: { type: 'string' },
      'admin-user': { type: 'string', default: ADMIN.username },
      'admin-password': { type: 'string', default: ADMIN.password },
      'database-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const num = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}]`);
    return n;
  };
  return {
    reports: Math.round(num('reports', values.reports!, 1, 1_000_000)),
    speed: num('speed', values.speed!, 1, 1_000_000),
    invalid: num('invalid', values.invalid!, 0, 1),
    staffing: num('staffing', values.staffing!, 0.01, 100),
    understaffed: num('understaffed', values.understaffed!, 0, 1),
    seed: Math.round(num('seed', values.seed!, 0, 2 ** 31)),
    url: values.url,
    adminUser: values['admin-user']!,
    adminPassword: values['admin-password']!,
    databaseUrl: values['database-url'],
  };
}

/** The service's clock, read once: simulated instant ↔ real instant. */
class SimClock {
  constructor(
    private readonly simAtStart: number,
    private readonly realAtStart: number,
    readonly speed: number,
  ) {}

  static async of(url: string): Promise<SimClock> {
    const before = realNow();
    const body = (await (await fetch(`${url}/api/v1/clock`)).json()) as { now: string; speed: number };
    return new SimClock(Date.parse(body.now), (before + realNow()) / 2, body.speed);
  }

  now = () => new Date(this.simAtStart + (realNow() - this.realAtStart) * this.speed);
  realAt = (sim: Date) => this.realAtStart + (sim.getTime() - this.simAtStart) / this.speed;
}

/** The few fields of the service's answers the replay reads. */
interface Answer {
  accessToken?: string;
  passwordChangeRequired?: boolean;
  items?: { trackingCode: string; status: string }[];
}

async function api(
  base: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Answer };
}

/**
 * An official's access token as a person would get it: with their own password when they have
 * one (a service that ran before), else with the one the admin set, then choosing their own, as
 * the service requires at the first sign-in.
 */
async function signInOfficial(base: string, username: string): Promise<string | undefined> {
  const own = await api(base, '/api/v1/auth/login', { username, password: OWN_PASSWORD });
  if (own.status === 200) return own.json.accessToken;
  const first = await api(base, '/api/v1/auth/login', { username, password: OFFICIAL_PASSWORD });
  if (!first.json.passwordChangeRequired) return first.json.accessToken;
  const changed = await api(
    base,
    '/api/v1/auth/password',
    { currentPassword: OFFICIAL_PASSWORD, newPassword: OWN_PASSWORD },
    first.json.accessToken,
  );
  return changed.json.accessToken;
}

interface Province {
  code: string;
  name: string;
  expected: number;
  understaffed: boolean;
  /** Tickets the province's officials close per simulated working hour, together. */
  ratePerHour: number;
  officials: { username: string; token?: string }[];
  filed: number;
  invalid: number;
  budget: number;
}

class Progress {
  private last = 0;
  constructor(private readonly total: number) {}

  draw(clock: Date, sent: number, closed: number, force = false): void {
    const t = realNow();
    if (!force && t - this.last < 250) return;
    this.last = t;
    const width = 30;
    const done = Math.max(
      0,
      Math.min(1, (clock.getTime() - CAMPAIGN_START.getTime()) / (CUTOFF.getTime() - CAMPAIGN_START.getTime())),
    );
    const bar = '█'.repeat(Math.round(done * width)).padEnd(width, '░');
    const local = new Date(clock.getTime() + 7 * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ');
    process.stderr.write(`\r${bar} ${local} (UTC+7)  filed ${sent}/${this.total}  handled ${closed}   `);
  }
}

async function main(): Promise<void> {
  const opts = options();
  const random = seeded(opts.seed);
  const geography = new Geography();
  const generator = new ReportGenerator(geography, {
    serialStart: opts.seed * 1000,
    invalidShare: opts.invalid,
    today: '2021-11-03',
    random,
  });
  const reports: (GeneratedReport & { at: Date })[] = Array.from({ length: opts.reports }, () => ({
    ...generator.next(),
    at: campaignInstant(CAMPAIGN_START, INTAKE_END, CAMPAIGN_START, random),
  })).sort((a, b) => a.at.getTime() - b.at.getTime());

  let redis: BenchRedis | undefined;
  let server: Service | undefined;
  let base = opts.url;
  let databaseUrl = opts.databaseUrl;
  try {
    if (!base) {
      process.stderr.write('simulate: a fresh database phananh_sim, a private Redis, and the service (npm start)\n');
      await withClient(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${SIM_DB}" WITH (FORCE)`));
      databaseUrl = dbUrl(SIM_DB);
      await prepareDatabase(databaseUrl, [loadReferenceData]);
      redis = await startBenchRedis();
      // The clock shows the campaign's first instant only after setup (officials are created meanwhile).
      const setupMs = 25_000;
      server = await startBenchService('server', {
        databaseUrl,
        redisUrl: redis.url,
        redisPrefix: 'sim',
        extra: {
          CLOCK_START: CAMPAIGN_START.toISOString(),
          CLOCK_SPEED: String(opts.speed),
          CLOCK_ANCHOR: new Date(realNow() + setupMs).toISOString(),
          ADMIN_USERNAME: ADMIN.username,
          ADMIN_PASSWORD: ADMIN.password,
          // The replay drives the API as scripts, with no phone for a second factor (TOTP runs on the
          // service clock, here 3600× fast): the simulated admin and supervisors are not asked to enrol.
          REQUIRE_2FA_ROLES: 'NONE',
          SLA_SWEEP_INTERVAL_MS: '100',
          LOG_LEVEL: 'warn',
        },
      });
      base = server.url;
    }
    if (!databaseUrl) throw new Error('--database-url is needed with --url (the outcomes are read from the database)');
    const clock = await SimClock.of(base);
    const adminToken = (
      await api(base, '/api/v1/auth/login', { username: opts.adminUser, password: opts.adminPassword })
    ).json.accessToken;
    if (!adminToken) throw new Error('admin login failed: pass --admin-user and --admin-password');

    // Officials: each province's health department, sized to its expected load; some understaffed.
    const hours = (INTAKE_END.getTime() - CAMPAIGN_START.getTime()) / HOUR_MS;
    const workHours = (hours * (WORK_TO - WORK_FROM)) / 24;
    const provinces = new Map<string, Province>();
    for (const [code, name] of geography.provinceNames) {
      const expected = geography.share(code) * opts.reports;
      const understaffed = random() < opts.understaffed;
      const ratePerHour = ((understaffed ? 0.4 : opts.staffing) * Math.max(expected, 1)) / workHours;
      const officers = Math.max(1, Math.min(4, Math.round(expected / 150)));
      const p: Province = {
        code,
        name,
        expected,
        understaffed,
        ratePerHour,
        officials: [],
        filed: 0,
        invalid: 0,
        budget: 0,
      };
      const unit = code;
      const create = async (username: string, role: string) => {
        const res = await api(
          base!,
          '/api/v1/admin/users',
          {
            username,
            password: OFFICIAL_PASSWORD,
            fullName: `Cán bộ ${name}`,
            role,
            unitCode: unit,
            email: `${username}@sim.local`,
          },
          adminToken,
        );
        if (res.status !== 201 && res.status !== 409) throw new Error(`creating ${username}: ${res.status}`);
      };
      await create(`sim-sup-${code}`, 'SUPERVISOR');
      for (let i = 0; i < officers; i++) {
        await create(`sim-off-${code}-${i}`, 'OFFICER');
        p.officials.push({ username: `sim-off-${code}-${i}` });
      }
      provinces.set(code, p);
    }
    for (const p of provinces.values()) {
      for (const o of p.officials) {
        o.token = await signInOfficial(base, o.username);
      }
    }
    process.stderr.write(
      `simulate: ${opts.reports} reports, speed ${clock.speed}, ${[...provinces.values()].reduce((s, p) => s + p.officials.length, 0)} officers in ${provinces.size} provinces (${[...provinces.values()].filter((p) => p.understaffed).length} understaffed)\n`,
    );

    const progress = new Progress(opts.reports);
    let sent = 0;
    let handled = 0;
    const statuses = new Map<number, number>();
    let inFlight = 0;
    const endReal = clock.realAt(new Date(CUTOFF.getTime() + 2 * HOUR_MS));
    const until = realNow() + Math.max(0, endReal - realNow()) + 60_000;

    const filing = (async () => {
      for (const r of reports) {
        const due = clock.realAt(r.at);
        while (realNow() < due) await sleep(Math.min(50, due - realNow()));
        while (inFlight >= 64) await sleep(5);
        inFlight++;
        const p = provinces.get(r.provinceCode)!;
        void api(base!, '/api/v1/reports', r.body)
          .then((res) => {
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 201) p.filed++;
            else if (res.status === 400) p.invalid++;
          })
          .catch(() => statuses.set(0, (statuses.get(0) ?? 0) + 1))
          .finally(() => {
            inFlight--;
            sent++;
          });
        progress.draw(clock.now(), sent, handled);
      }
    })();

    // Officials: every tick, each province's budget grows by its rate over the simulated time that
    // passed in working hours; whole tickets of it are taken from the queue, most urgent first.
    let lastSim = clock.now();
    const working = (async () => {
      while (realNow() < endReal && realNow() < until) {
        await sleep(200);
        const now = clock.now();
        const localHour = new Date(now.getTime() + 7 * HOUR_MS).getUTCHours();
        const elapsedHours = (now.getTime() - lastSim.getTime()) / HOUR_MS;
        lastSim = now;
        if (localHour < WORK_FROM || localHour >= WORK_TO) continue;
        await Promise.all(
          [...provinces.values()].map(async (p) => {
            p.budget += p.ratePerHour * elapsedHours;
            const take = Math.floor(p.budget);
            if (take < 1) return;
            const official = p.officials[Math.floor(random() * p.officials.length)];
            const page = await api(base!, `/api/v1/tickets?limit=${Math.min(100, take)}`, undefined, official.token);
            if (page.status !== 200) return;
            const items = page.json.items ?? [];
            for (const t of items) {
              p.budget -= 1;
              if (t.status === 'ASSIGNED')
                await api(base!, `/api/v1/tickets/${t.trackingCode}/start`, {}, official.token);
              const reject = random() < 0.12;
              const res = reject
                ? await api(
                    base!,
                    `/api/v1/tickets/${t.trackingCode}/reject`,
                    { reasonCode: 'PHOTO_UNREADABLE', note: 'Ảnh phiếu tiêm bị mờ' },
                    official.token,
                  )
                : await api(
                    base!,
                    `/api/v1/tickets/${t.trackingCode}/resolve`,
                    { resolution: 'Đã cập nhật mũi tiêm trên Nền tảng' },
                    official.token,
                  );
              if (res.status === 200) handled++;
            }
            if (take > items.length) p.budget = Math.min(p.budget, 1);
          }),
        );
        progress.draw(now, sent, handled);
      }
    })();
    await Promise.all([filing, working]);
    while (inFlight > 0) await sleep(20);
    // Let the cutoff and the last sweeps land.
    while (realNow() < endReal) await sleep(100);
    progress.draw(clock.now(), sent, handled, true);
    process.stderr.write('\n');
    await sleep(1500);

    await printOutcomes(databaseUrl, provinces, statuses);
  } finally {
    await server?.stop();
    await redis?.stop();
  }
}

async function printOutcomes(databaseUrl: string, provinces: Map<string, Province>, statuses: Map<number, number>) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = (
      await client.query(
        `SELECT t.province_code AS code, count(*)::int AS received,
                count(*) FILTER (WHERE t.closed_at IS NOT NULL AND t.closed_at <= t.due_at)::int AS on_time,
                count(*) FILTER (WHERE t.closed_at > t.due_at)::int AS late,
                count(*) FILTER (WHERE t.closed_at IS NULL)::int AS open,
                count(*) FILTER (WHERE t.cutoff_missed)::int AS cutoff_missed
         FROM tickets t GROUP BY t.province_code`,
      )
    ).rows as { code: string; received: number; on_time: number; late: number; open: number; cutoff_missed: number }[];
    const alerts = (
      await client.query(
        `SELECT u.province_code AS code, e.kind, count(a.id)::int AS n
         FROM alert_events e JOIN units u ON u.code = e.unit_code JOIN alerts a ON a.event_id = e.id
         GROUP BY 1, 2`,
      )
    ).rows as { code: string; kind: string; n: number }[];
    const alertsOf = (code: string, kind: string) => alerts.find((a) => a.code === code && a.kind === kind)?.n ?? 0;
    const head = [
      'province',
      'staff',
      'filed',
      'invalid',
      'on time',
      'late',
      'open',
      'cutoff missed',
      'DUE_SOON',
      'OVERDUE',
      'ESCALATED',
      'CUTOFF',
    ];
    const table: string[][] = [];
    const sum = new Array(head.length).fill(0);
    for (const r of rows.sort((a, b) => b.received - a.received)) {
      const p = provinces.get(r.code);
      const cells = [
        r.received,
        p?.invalid ?? 0,
        r.on_time,
        r.late,
        r.open,
        r.cutoff_missed,
        alertsOf(r.code, 'DUE_SOON'),
        alertsOf(r.code, 'OVERDUE'),
        alertsOf(r.code, 'ESCALATED'),
        alertsOf(r.code, 'CUTOFF_MISSED'),
      ];
      cells.forEach((v, i) => (sum[i + 2] += v));
      table.push([`${r.code} ${p?.name ?? ''}`, p?.understaffed ? 'under' : 'ok', ...cells.map(String)]);
    }
    table.push(['total', '', ...sum.slice(2).map(String)]);
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of table) console.log(line(row));
    console.log(
      `\nHTTP answers to the filings: ${[...statuses].map(([s, n]) => `${s === 0 ? 'network error' : s}: ${n}`).join(', ')}`,
    );
    console.log(
      'on time / late: closed before / after the deadline; open: still open at the end; alerts: rows (one per recipient).',
    );
  } finally {
    await client.end();
  }
}

runMain(main, { label: 'simulate failed', stack: false });
