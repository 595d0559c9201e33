import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  PrivatePostgres,
  PrivateRedis,
  RunningProcess,
  eventually,
  freePort,
  startPrivatePostgres,
  startPrivateRedis,
  startService,
  waitForHttp,
} from '@test/support';
import { newCitizen, reportBody } from '../public/report-bodies';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Every file under a directory, recursively (the attachment store fans out into sub-directories). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The API as a real process on a PostgreSQL cluster of its own, which the test stops (cleanly,
 * then as a crash) and starts again: intake answers 503 problem+json with Retry-After while the
 * database is gone, writes nothing partial, and serves again by itself once it is back.
 */
describe('fault: PostgreSQL stops under the running API', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let service: RunningProcess;
  let base: string;
  let files: string;
  let db: Client | undefined;
  const answered = new Set<string>();
  const CLIENTS = 6;
  const EACH = 12;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  const fileWithPhoto = () => {
    const form = new FormData();
    form.append('report', JSON.stringify(reportBody(newCitizen())));
    form.append('attachments', new Blob([PNG], { type: 'image/png' }), 'proof.png');
    return fetch(`${base}/api/v1/reports`, { method: 'POST', body: form, signal: AbortSignal.timeout(15_000) });
  };
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    if (!db) {
      db = new Client({ connectionString: pg.url('phananh') });
      await db.connect();
    }
    return (await db.query(sql, params)).rows as T[];
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    redis = await startPrivateRedis();
    files = mkdtempSync(join(tmpdir(), 'phananh-faults-files-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = startService('api', {
      DATABASE_URL: pg.url('phananh'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'faults-pg',
      PORT: String(port),
      ATTACHMENTS_DIR: files,
      CLOCK_START: '2021-11-03T08:00:00+07:00',
      RATE_LIMIT_FILINGS_PER_MINUTE: '100000',
      RATE_LIMIT_LOOKUPS_PER_MINUTE: '100000',
    });
    await waitForHttp(`${base}/health/ready`, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${service.output()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await service?.stop('SIGKILL');
    pg?.destroy();
    await redis?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('files reports while PostgreSQL is up', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await post('/api/v1/reports', reportBody(newCitizen()));
      expect(res.status).toBe(201);
      answered.add(((await res.json()) as { trackingCode: string }).trackingCode);
    }
    const res = await fileWithPhoto();
    expect(res.status).toBe(201);
    answered.add(((await res.json()) as { trackingCode: string }).trackingCode);
  });

  it('answers 503 problem+json with Retry-After while PostgreSQL is stopped, promptly, and keeps no file', async () => {
    await db?.end();
    db = undefined;
    const filesBefore = filesUnder(files).length;
    pg.stop('fast');
    const tookMs: number[] = [];
    const timed = async (request: () => Promise<Response>) => {
      const started = performance.now();
      const res = await request();
      tookMs.push(performance.now() - started);
      return res;
    };
    const attempts = [
      await timed(() => post('/api/v1/reports', reportBody(newCitizen()))),
      await timed(fileWithPhoto),
      await timed(() => post('/api/v1/reports', reportBody(newCitizen()), { 'Idempotency-Key': randomUUID() })),
      await timed(() => post('/api/v1/reports/lookup', { trackingCode: [...answered][0], citizenId: '001090012345' })),
      await timed(() => post('/api/v1/auth/login', { username: 'someone', password: 'long-enough-password' })),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 503, type: 'urn:phananh:problem:service-unavailable' });
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|5432|postgres|select|insert/i);
    }
    // Promptly: a stopped server refuses connections at once. A request that waited for the pool's
    // connect timeout (connectionTimeoutMillis, 5 s) would take at least that long; below it, the
    // rest is the machine's load, not the outage.
    for (const ms of tookMs) expect(ms).toBeLessThan(5000);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { database: { status: string } } }).checks.database.status).toBe('down');
    expect(filesUnder(files)).toHaveLength(filesBefore);
    expect(service.proc.exitCode).toBeNull();
  });

  it('serves again by itself when PostgreSQL returns, in the same process', async () => {
    const pid = service.proc.pid;
    pg.start();
    const back = performance.now();
    let status = 0;
    while (performance.now() - back < 20_000) {
      const res = await post('/api/v1/reports', reportBody(newCitizen()));
      status = res.status;
      if (status === 201) {
        answered.add(((await res.json()) as { trackingCode: string }).trackingCode);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(201);
    expect(performance.now() - back).toBeLessThan(10_000);
    expect(service.proc.pid).toBe(pid);
    expect(service.proc.exitCode).toBeNull();
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const [{ n }] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets`);
    expect(n).toBe(answered.size);
  });

  it('loses and duplicates nothing when PostgreSQL crashes in the middle of a stream of filings', async () => {
    const statuses = new Map<number, number>();
    const codes = new Map<string, string>(); // Idempotency-Key → tracking code
    // A 200 is the stored answer to a retried key: right only after a 503 for that key (a crash
    // between the commit and the answer), never on a first attempt.
    const firstAttemptReplays: string[] = [];
    let crashed = false;
    const client = async () => {
      for (let i = 0; i < EACH; i++) {
        const key = randomUUID();
        const body = reportBody(newCitizen());
        for (let attempt = 1, until = performance.now() + 30_000; ; attempt++) {
          const res = await post('/api/v1/reports', body, { 'Idempotency-Key': key }).catch(() => null);
          const status = res?.status ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (res && (status === 201 || status === 200)) {
            if (status === 200 && attempt === 1) firstAttemptReplays.push(key);
            codes.set(key, ((await res.json()) as { trackingCode: string }).trackingCode);
            break;
          }
          if (status !== 503 || performance.now() > until) throw new Error(`unexpected answer ${status}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    // The crash comes from the stream's own progress, not a timer: once every client has filed
    // twice (most filings are still to come), and PostgreSQL returns once a client has met it.
    const crash = (async () => {
      await eventually(async () => codes.size >= 2 * CLIENTS, 30_000, 5);
      await db?.end();
      db = undefined;
      pg.stop('immediate');
      crashed = true;
      await eventually(async () => (statuses.get(503) ?? 0) > 0, 30_000, 5);
      pg.start();
    })();
    await Promise.all([...Array.from({ length: CLIENTS }, client), crash]);
    expect(crashed).toBe(true);
    expect(statuses.get(503)).toBeGreaterThan(0);
    expect(statuses.get(201)).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    expect(firstAttemptReplays).toEqual([]);
    expect(codes.size).toBe(CLIENTS * EACH);
    expect(new Set(codes.values()).size).toBe(CLIENTS * EACH);

    const rows = await query<{ tracking_code: string }>(
      `SELECT tracking_code FROM tickets WHERE NOT (tracking_code = ANY($1))`,
      [[...answered]],
    );
    expect(rows.map((r) => r.tracking_code).sort()).toEqual([...codes.values()].sort());
  });

  it('writes nothing partial: every ticket has its filing events, every stored file its row', async () => {
    const incomplete = await query(
      `SELECT t.tracking_code FROM tickets t
       WHERE (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.action IN ('FILED', 'ASSIGNED')) <> 2
          OR t.sla_next_at IS NULL`,
    );
    expect(incomplete).toEqual([]);
    const [{ n }] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM attachments`);
    expect(filesUnder(files)).toHaveLength(n);
    const keys = await query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_keys`);
    expect(keys[0].n).toBe(CLIENTS * EACH);
    expect(service.output()).not.toMatch(/unhandled error/);
  });
});
