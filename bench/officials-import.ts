import { hashPassword } from '@phananh/identity';
import { BENCH_PASSWORD, login } from './officials';
import { cpuMs } from './cpu';
import { PG_ADMIN_URL, loadNow, resetBenchDatabase, withClient } from './bench-env';
import { startBenchRedis, startBenchService } from './services';
import { round, runMain } from './stats';

/** The officials' CSV import (issue 14): a whole country's 2021 staff in one file, through the running service. */
export interface ImportFigures {
  rows: number;
  runs: number;
  /** Median wall-clock ms of `POST /api/v1/admin/users/import/dry-run` over the runs. */
  dryRunMs: number;
  /** Median wall-clock ms of `POST /api/v1/admin/users/import` (12,000 officials, their audit rows, the handout CSV). */
  importMs: number;
  /** Median ms of CPU of the service process for one import. */
  importCpuMs: number;
  /** Floor: the same rows inserted by one `INSERT … SELECT FROM unnest` straight into `users`, ms. */
  floorInsertMs: number;
  /** What argon2id (the hash of chosen passwords) would cost the same import: ms per hash × rows. */
  argon2EstimateMs: number;
  loadAtStart: string;
  /** When measured (a standalone run's figures may be added to an older full run's JSON). */
  measuredAt: string;
  command: string;
}

/** A database of its own, dropped at the end: the main run's stays as it was. */
const IMPORT_DB = 'phananh_bench_import';

const WARDS = ['00001', '00004', '00006', '00007', '26734', '26737'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A file as Excel saves "CSV UTF-8": BOM, CRLF, Vietnamese names. */
export function officialsCsv(rows: number, prefix: string): Buffer {
  const lines = ['username,full name,role,unit code,e-mail'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${prefix}${i},Nguyễn Thị Hồng ${i},OFFICER,${WARDS[i % WARDS.length]},${prefix}${i}@tyt.example.vn`);
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/**
 * `runs` imports of `rows` officials each (fresh usernames every time) into a fresh bench
 * database, through a production build of the API started as production runs it.
 */
export async function officialsImportFigures(rows = 12_000, runs = 3): Promise<ImportFigures> {
  const loadAtStart = loadNow();
  const url = await resetBenchDatabase(IMPORT_DB);
  const redis = await startBenchRedis();
  const api = await startBenchService('api', { databaseUrl: url, redisUrl: redis.url, redisPrefix: 'bench-import' });
  try {
    const hash = await hashPassword(BENCH_PASSWORD);
    await withClient(url, (c) =>
      c.query(
        `INSERT INTO users (username, password_hash, full_name, role, created_at)
         VALUES ('bench-admin', $1, 'Quản trị', 'ADMIN', now())`,
        [hash],
      ),
    );
    const token = await login(api.url, 'bench-admin');
    const post = async (path: string, body: Buffer, expected: number) => {
      const started = performance.now();
      const cpu = cpuMs(api.proc.pid!)!;
      const res = await fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
      });
      const text = await res.text();
      if (res.status !== expected) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
      return { ms: performance.now() - started, cpu: cpuMs(api.proc.pid!)! - cpu, text };
    };
    const dry: number[] = [];
    const imports: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const file = officialsCsv(rows, `b${r}-`);
      dry.push((await post('/api/v1/admin/users/import/dry-run', file, 200)).ms);
      const done = await post('/api/v1/admin/users/import', file, 201);
      if (done.text.split('\r\n').length < rows + 1) throw new Error('the handout lacks rows');
      imports.push(done.ms);
      cpu.push(done.cpu);
    }
    // Floor: the rows alone, straight into the table (same indexes), one statement, no audit.
    const floorInsertMs = await withClient(url, async (c) => {
      const names = Array.from({ length: rows }, (_, i) => `floor-${i}`);
      const started = performance.now();
      await c.query(
        `INSERT INTO users (username, password_hash, full_name, role, unit_code, email, created_at, password_change_required)
         SELECT u, 'x', 'Nguyễn Thị Hồng', 'OFFICER', '00001', u || '@tyt.example.vn', now(), true FROM unnest($1::text[]) AS u`,
        [names],
      );
      return performance.now() - started;
    });
    const argonStarted = performance.now();
    for (let i = 0; i < 10; i++) await hashPassword(`some-password-${i}`);
    const argon2EstimateMs = ((performance.now() - argonStarted) / 10) * rows;
    return {
      rows,
      runs,
      dryRunMs: round(median(dry)),
      importMs: round(median(imports)),
      importCpuMs: round(median(cpu)),
      floorInsertMs: round(floorInsertMs),
      argon2EstimateMs: round(argon2EstimateMs),
      loadAtStart,
      measuredAt: new Date(performance.timeOrigin).toISOString(),
      command: 'npm run build && node dist/bench/officials-import.js',
    };
  } finally {
    await api.stop();
    await redis.stop();
    await withClient(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${IMPORT_DB}" WITH (FORCE)`));
  }
}

if (require.main === module) {
  runMain(async () => {
    const figures = await officialsImportFigures(Number(process.env.BENCH_IMPORT_ROWS ?? 12_000));
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  });
}
