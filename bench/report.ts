import type { BenchResults as Results } from './main';

type BenchResults = Omit<Results, 'scaleOut'> & {
  scaleOut: Omit<Results['scaleOut'], 'counted'> & { counted?: Results['scaleOut']['counted'] };
};
import type { LoadResult } from './intake';
import type { LatencyFigures } from './queue';
import { fmt, ratio, round } from './stats';

const yes = (ok: boolean) => (ok ? '**met**' : '**not met**');
const ms = (n: number) => `${fmt(round(n))} ms`;

function intakeRow(label: string, r: LoadResult): string {
  return `| ${label} | ${r.connections}${r.targetRate ? ` (rate ${fmt(r.targetRate)}/s)` : ''} | ${fmt(r.rate)}/s | ${r.p50} | ${r.p99} | ${r.max} | ${fmt(r.ok)} / ${fmt(r.sent)} | ${r.cpuNode} | ${r.cpuPg} |`;
}

/** BENCHMARKS.md from one run's figures: every figure beside its floor from the same run. */
export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const raw = r.intake.raw.best;
  const svc = r.intake.service.best;
  const at70 = r.intake.at70;
  const intakeRatio = ratio(svc.rate, raw.tps);
  const d = r.deadlines;
  const c = r.cutoff;
  const cutoffRatio = ratio(c.serviceMs, c.floorMs);
  const intakeKept = ratio(c.intakeDuring.rate, c.intakeBefore.rate);
  const q = r.queue;
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);

  p('# Benchmarks');
  p();
  p(
    `Written by \`${r.command}\` (code in \`bench/\`) on ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC; the run took ${r.minutes} minutes.`,
  );
  if (r.quick) p('\n**A `--quick` run: small counts, for development. The figures below are not the full benchmark.**');
  p();
  p('Every figure stands beside a floor measured in the same run on the same machine, because this 2-core machine is');
  p('shared and noisy: an absolute number alone means little. Load average (1, 5, 15 min) when the run started:');
  p(
    `**${r.loadAtStart}**; when it ended: **${r.loadAtEnd}**. A load above 2 means other work was competing for the two cores.`,
  );
  p();
  p('## Machine and versions');
  p();
  p(`| | |\n|---|---|`);
  p(`| CPU | ${m.cpuModel}, ${m.cores} cores (nproc) |`);
  p(`| memory | ${m.memoryGiB} GiB |`);
  p(`| Node.js | ${m.node} |`);
  p(
    `| PostgreSQL | ${m.postgres} (${Object.entries(m.pgSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}) |`,
  );
  p(`| Redis | ${m.redis} (a private redis-server per run, \`--save ''\`; AOF only in the durability run) |`);
  p(
    `| packages | ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |`,
  );
  p();
  p('Services run from `dist/` as production runs them (`NODE_ENV=production`, `LOG_LEVEL=info`, logs to a file),');
  p(
    'with the per-address rate limits lifted (one load generator on 127.0.0.1 would otherwise get 429s), a database of',
  );
  p(
    `their own (\`phananh_bench\`, dropped and created again by each run) and a private Redis. Data: ${fmt(r.background.tickets)}`,
  );
  p(
    `tickets loaded by \`bulkLoadTickets\` (libs/testing/src/bulk-load.ts, COPY) in ${fmt(round(r.background.ms / 1000))} s — ${fmt(r.background.open)} open,`,
  );
  p(
    `${fmt(r.background.events)} history events, provinces weighted by population and report intensity, PII encrypted with the app key.`,
  );
  p();

  p('## 1. Intake');
  p();
  p(
    `Raw: \`pgbench -n -M prepared -c N -j 2 -T ${r.sizes.seconds}\` with a script of one single-row INSERT into the same \`tickets\``,
  );
  p(
    'table with the same indexes (bench/intake.ts). Service: `POST /api/v1/reports` with autocannon (keep-alive, a new valid',
  );
  p('report from a new citizen on every request, so every answer is 201). CPU columns: milliseconds of CPU per report');
  p(
    "(or insert), read from /proc for the Node process and for the database's PostgreSQL backends — a figure that other",
  );
  p('work on the machine disturbs far less than a rate.');
  p();
  p(
    '| raw (pgbench) | clients | inserts/s | mean latency ms | CPU ms PostgreSQL | CPU ms pgbench |\n|---|---|---|---|---|---|',
  );
  for (const x of r.intake.raw.runs)
    p(
      `| ${x.clients === raw.clients ? '**best**' : ''} | ${x.clients} | ${fmt(x.tps)} | ${x.latencyMs} | ${x.cpuPg} | ${x.cpuClient} |`,
    );
  p();
  p(
    '| service | connections | 2xx/s | p50 ms | p99 ms | max ms | 2xx / sent | CPU ms Node | CPU ms PostgreSQL |\n|---|---|---|---|---|---|---|---|---|',
  );
  for (const x of r.intake.service.runs) p(intakeRow(x.connections === svc.connections ? '**best**' : '', x));
  p(intakeRow('at 70 % of best, paced', at70));
  p();
  p(
    'The 70 % row sends one report every 1/rate s over at most 64 keep-alive sockets (bench/intake.ts `pacedReports`), each',
  );
  p(
    "latency counted from when the report was due; runs before this one used autocannon's `overallRate`, which sends each",
  );
  p("connection's quota back to back at the start of every second: bursts at full load, not a steady 70 %.");
  p();
  p(
    `- Service ÷ raw: **${intakeRatio}** (${fmt(svc.rate)} ÷ ${fmt(raw.tps)}). Goal ≥ 0.5: ${yes(intakeRatio >= 0.5)}.`,
  );
  p(
    `- p99 at 70 % of the service's maximum rate (${fmt(at70.targetRate ?? 0)}/s asked, ${fmt(at70.rate)}/s answered): **${at70.p99} ms**. Goal ≤ 50 ms: ${yes(at70.p99 <= 50)}.`,
  );
  p(
    `- The HTTP stack alone (GET /health/live on the same process): ${fmt(r.intake.framework.rate)} requests/s at **${r.intake.framework.cpuNode} ms CPU** each,`,
  );
  p(
    `  against ${svc.cpuNode} ms of Node CPU and ${svc.cpuPg} ms of PostgreSQL CPU per report, and ${raw.cpuPg} ms of PostgreSQL CPU per pgbench insert.`,
  );
  p();

  p('## 2. Queue');
  p();
  p(
    `An officer of ward ${'26734'} with ${fmt(q.unitOpen)} open tickets among ${fmt(q.totalTickets)}: \`GET /api/v1/tickets\` (50 a page), the first page`,
  );
  p(
    `and the page ${fmt(q.depth)} tickets deep (reached by following nextCursor), autocannon with keep-alive connections for`,
  );
  p(
    `${r.sizes.seconds} s each: one connection (an official alone: what a click costs), then 4 (officials clicking with no pause:`,
  );
  p(
    "the process saturated, so the time is mostly queueing); beside it the endpoint's exact SQL (built by TicketQueue.sql) sent straight to PostgreSQL from 4 connections.",
  );
  p();
  p('| page | connections | requests | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|');
  const pageRow = (name: string, conns: number, f: LatencyFigures | undefined) =>
    f && p(`| ${name} | ${conns} | ${fmt(f.requests)} | ${f.p50} | ${f.p99} | ${f.max} |`);
  const deepName = `${fmt(q.depth)} deep`;
  pageRow('first', 1, q.firstPageAlone);
  pageRow(deepName, 1, q.deepPageAlone);
  pageRow('first', 4, q.firstPage);
  pageRow(deepName, 4, q.deepPage);
  pageRow('first, SQL alone', 4, q.firstPageSql);
  pageRow(`${deepName}, SQL alone`, 4, q.deepPageSql);
  p();
  const p99s = (a?: LatencyFigures, b?: LatencyFigures) =>
    a && b ? `first ${a.p99} ms, deep ${b.p99} ms` : 'not measured';
  const ok = (a?: LatencyFigures, b?: LatencyFigures) => yes(!!a && !!b && a.p99 <= 15 && b.p99 <= 15);
  p(
    `Goal p99 ≤ 15 ms — an official alone: ${ok(q.firstPageAlone, q.deepPageAlone)} (${p99s(q.firstPageAlone, q.deepPageAlone)});`,
  );
  p(`4 saturating connections: ${ok(q.firstPage, q.deepPage)} (${p99s(q.firstPage, q.deepPage)}).`);
  p();

  p('## 3. Deadlines');
  p();
  const dl = (x: typeof d, label: string) =>
    `| ${label} | ${fmt(x.tickets)} in ${x.windowSeconds} s | ${x.workers} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.max)} | ${fmt(x.missed)} | ${fmt(x.twice)} | ${fmt(x.alertRows)} / ${fmt(x.expectedAlertRows)} | ${fmt(x.floor.jobs)} jobs: ${fmt(x.floor.p50)} / ${fmt(x.floor.p99)} / ${fmt(x.floor.max)} |`;
  p('Tickets due within the same window, loaded open; the worker(s) start on a simulated clock (`CLOCK_START`,');
  p(
    "`CLOCK_ANCHOR`, speed 1) that reaches the first deadline a few seconds later. Lateness: the `OVERDUE` alert row's",
  );
  p(
    "`created_at` (the sweep's clock) minus the ticket's `dueAt`. Floor, in the same minute on the same Redis: no-op BullMQ",
  );
  p(
    `delayed jobs due over the same window, their lateness as BullMQ's worker saw it. \`SLA_SWEEP_INTERVAL_MS=${r.sweepMs}\` (the default`,
  );
  p('is 250 ms: a deadline waits up to one interval for its sweep, so p99 is about the interval plus one batch).');
  p();
  p(
    '| run | tickets | workers | p50 ms | p99 ms | max ms | missed | twice | alert rows / expected | BullMQ floor p50 / p99 / max ms |\n|---|---|---|---|---|---|---|---|---|---|',
  );
  p(dl(d, 'one worker'));
  p(dl(r.scaleOut.deadlines, 'scale-out'));
  p(dl(r.durability.deadlines, 'Redis AOF everysec'));
  p();
  p(`Goal p99 ≤ 1 s, none missed, none twice: ${yes(d.p99 <= 1000 && d.missed === 0 && d.twice === 0)} (one worker).`);
  const rm = r.redisMemory;
  p();
  p(
    `Redis memory per open ticket: used_memory ${fmt(rm.before)} bytes with the worker running, ${fmt(rm.after)} bytes after`,
  );
  p(
    `${fmt(rm.tickets)} more open tickets: **${rm.bytesPerTicket} bytes per ticket** — constant by design (the SLA engine keeps each`,
  );
  p(
    `ticket's ladder in PostgreSQL, \`sla_stage\`/\`sla_next_at\`; Redis holds only the sweep's job scheduler). Goal ≤ 1 kB: ${yes(rm.bytesPerTicket <= 1024)}.`,
  );
  p();

  p('## 4. Cutoff');
  p();
  p(
    `${fmt(c.openTickets)} open tickets of the 2021 campaign (loaded in ${fmt(round(c.loadMs / 1000))} s), one database copied twice. Floor: a`,
  );
  p('plain batched `UPDATE tickets SET cutoff_missed = true` over the same rows in the same 20,000-id spans, one');
  p('transaction each. Service: the worker on a clock that reaches the cutoff; time from the cutoff to');
  p(
    '`campaigns.cutoff_processed_at` (the flags, and the per-province summaries; the history shows the flag at the cutoff, no event row per ticket).',
  );
  p();
  const floorIntake = c.intakeDuringFloor;
  if (floorIntake) {
    p(
      `Both passes run while an API on their copy takes reports at full speed (32 connections, in ${r.sizes.seconds} s windows until the pass`,
    );
    p('ends), so that the ratio compares the passes under the same load.');
    p();
  }
  p('| | time | rows | intake meanwhile |\n|---|---|---|---|');
  p(
    `| floor: batched UPDATE | ${ms(c.floorMs)} | ${fmt(c.floorRows)} | ${floorIntake ? `${fmt(floorIntake.rate)}/s` : 'none'} |`,
  );
  p(
    `| service cutoff | ${ms(c.serviceMs)} | ${fmt(c.flagged)} flagged, ${fmt(c.summaries)} summaries | ${fmt(c.intakeDuring.rate)}/s |`,
  );
  p();
  p(`- Service ÷ floor: **${cutoffRatio}**. Goal ≤ 1.2: ${yes(cutoffRatio <= 1.2)}.`);
  p(
    `- Intake meanwhile: ${fmt(c.intakeDuring.rate)}/s during the cutoff against ${fmt(c.intakeBefore.rate)}/s just before on the same copy: **${intakeKept}**. Goal ≥ 0.75: ${yes(intakeKept >= 0.75)}.`,
  );
  if (floorIntake) {
    p(
      `  During the plain UPDATE, on the floor's copy: ${fmt(floorIntake.rate)}/s, **${ratio(floorIntake.rate, c.intakeBefore.rate)}** of the same before-rate.`,
    );
  }
  p();

  p('## 5. Scale-out');
  p();
  const s = r.scaleOut;
  p(
    '| | connections | 2xx/s | p50 ms | p99 ms | max ms | 2xx / sent | CPU ms Node | CPU ms PostgreSQL |\n|---|---|---|---|---|---|---|---|---|',
  );
  p(intakeRow('two API processes', s.intake));
  p(intakeRow('one of them alone', s.single));
  p();
  p(
    `- Two ÷ one: **${ratio(s.intake.rate, s.single.rate)}**. On two cores shared with PostgreSQL and the load generator, a second process adds little.`,
  );
  if (s.counted) {
    const sent = s.counted.sent;
    p(
      `- No loss, no duplicates: ${fmt(sent)} filings of distinct citizens sent to the two processes (autocannon \`maxOverallRequests\`),`,
    );
    p(
      `  ${fmt(s.counted.ok)} answered 201 (${fmt(s.counted.non2xx)} other, ${fmt(s.counted.errors)} errors); ${fmt(s.rowsAdded)} tickets and ${fmt(s.distinctCitizens)} distinct citizens added:`,
    );
    p(`  ${yes(s.counted.ok === sent && s.rowsAdded === s.counted.ok && s.distinctCitizens === s.counted.ok)}.`);
  } else {
    p(
      `- Rows added during the timed run: ${fmt(s.rowsAdded)} tickets, ${fmt(s.distinctCitizens)} distinct citizens, for ${fmt(s.intake.ok)} answers 201 and ${fmt(s.intake.sent)} sent: a timed run ends with requests in flight, so this run cannot prove "no loss"; later runs send a fixed number of filings instead.`,
    );
  }
  p(
    `- Deadlines with two workers (table above): ${fmt(s.deadlines.missed)} missed, ${fmt(s.deadlines.twice)} twice, alert rows ${fmt(s.deadlines.alertRows)} of ${fmt(s.deadlines.expectedAlertRows)} expected.`,
  );
  p();

  p('## 6. Durability cost');
  p();
  p('The same with a Redis that persists as production runs it (`appendonly yes`, `appendfsync everysec`):');
  p();
  p(
    '| | connections | 2xx/s | p50 ms | p99 ms | max ms | 2xx / sent | CPU ms Node | CPU ms PostgreSQL |\n|---|---|---|---|---|---|---|---|---|',
  );
  p(intakeRow('no persistence (best, §1)', svc));
  p(intakeRow('AOF everysec', r.durability.intake));
  p();
  p(
    `- Intake with AOF ÷ without: **${ratio(r.durability.intake.rate, svc.rate)}**. The filing path touches Redis once (the rate limiter).`,
  );
  p(`- Deadlines with AOF: p99 ${fmt(r.durability.deadlines.p99)} ms against ${fmt(d.p99)} ms (table in §3).`);
  p();
  return `${lines.join('\n')}\n`;
}
