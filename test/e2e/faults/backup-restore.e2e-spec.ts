import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import {
  PrivateRedis,
  TestApp,
  createTestApp,
  dropDatabase,
  eventually,
  newOfficial,
  startPrivateRedis,
} from '@test/support';
import { newCitizen, reportBody } from '../public/report-bodies';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function run(cmd: string, args: string[]): void {
  const res = spawnSync(join(PG_BIN, cmd), args, { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr}${res.error?.message ?? ''}`);
}

/**
 * The README's backup commands, run for real: `pg_dump --format=custom` of a live database,
 * `pg_restore` into a new one, and the service started on the restored database with a new,
 * empty Redis. Reports are found by their citizens, officials see them, and their deadlines
 * still alert: nothing in Redis needed a backup.
 */
describe('backup and restore: pg_dump, pg_restore, and a new empty Redis', () => {
  let source: TestApp;
  let restored: TestApp | undefined;
  let redis: PrivateRedis;
  let dir: string;
  let restoredUrl: URL;
  const filed: { trackingCode: string; citizenId: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-backup-'));
    redis = await startPrivateRedis();
    source = await createTestApp({ worker: false, clock: new FakeClock() });
    await newOfficial(source, { role: Role.Officer, unitCode: '00001', username: 'officer-restore' });
    for (let i = 0; i < 5; i++) {
      const citizen = newCitizen();
      const res = await source.http.post('/api/v1/reports').send(reportBody(citizen, '00001')).expect(201);
      filed.push({ trackingCode: res.body.trackingCode, citizenId: citizen.citizenId });
    }
    restoredUrl = new URL(source.env.databaseUrl);
    restoredUrl.pathname = `${restoredUrl.pathname}_restored`;
  });
  afterAll(async () => {
    await restored?.close();
    await source?.close();
    await redis?.stop();
    await dropDatabase(restoredUrl);
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps the live database and restores it into a new one', async () => {
    const dump = join(dir, 'phananh.dump');
    run('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, source.env.databaseUrl]);
    const admin = new URL(restoredUrl);
    admin.pathname = '/postgres';
    run('createdb', [`--maintenance-db=${admin.toString()}`, restoredUrl.pathname.slice(1)]);
    run('pg_restore', ['--no-owner', '--exit-on-error', '--jobs=2', `--dbname=${restoredUrl.toString()}`, dump]);
  });

  it('serves the restored reports from the restored database and an empty Redis', async () => {
    restored = await createTestApp({
      clock: new FakeClock(),
      env: { DATABASE_URL: restoredUrl.toString(), REDIS_URL: redis.url },
    });
    for (const { trackingCode, citizenId } of filed) {
      const res = await restored.http.post('/api/v1/reports/lookup').send({ trackingCode, citizenId }).expect(200);
      expect(res.body.status).toBe('ASSIGNED');
    }
    const [{ n }] = await restored.db.query(`SELECT count(*)::int AS n FROM tickets`);
    expect(n).toBe(filed.length);
  });

  it('still enforces their deadlines', async () => {
    (restored!.clock as FakeClock).set('2021-11-04T20:00:00+07:00');
    const alerts = await eventually(async () => {
      const rows = await restored!.db.query(
        `SELECT t.tracking_code FROM alerts a JOIN alert_events e ON e.id = a.event_id
         JOIN tickets t ON t.id = e.ticket_id WHERE e.kind = 'DUE_SOON'`,
      );
      return rows.length === filed.length ? rows : null;
    }, 20_000);
    expect(alerts.map((r: { tracking_code: string }) => r.tracking_code).sort()).toEqual(
      filed.map((f) => f.trackingCode).sort(),
    );
  });
});
