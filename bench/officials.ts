import { Client } from 'pg';
import { hashPassword } from '@phananh/identity';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { BENCH_DB, benchPii, resetBenchDatabase, withClient } from './bench-env';

export const BENCH_PASSWORD = 'bench-password-2021';

/**
 * Officials for the SLA benchmarks, written straight into `users` with one argon2 hash
 * (creating hundreds through the admin API would spend minutes in argon2): a supervisor in
 * every district, so that every ward's OVERDUE alert has a recipient (the unit above).
 */
export async function seedDistrictSupervisors(client: Client): Promise<number> {
  const hash = await hashPassword(BENCH_PASSWORD);
  const { rowCount } = await client.query(
    `INSERT INTO users (username, password_hash, full_name, role, unit_code, created_at)
     SELECT 'bench-sup-' || code, $1, 'Giám sát ' || name, 'SUPERVISOR', code, now()
     FROM units WHERE level = 'district'
     ON CONFLICT DO NOTHING`,
    [hash],
  );
  return rowCount ?? 0;
}

export async function seedOfficer(client: Client, unitCode: string, username: string): Promise<void> {
  await client.query(
    `INSERT INTO users (username, password_hash, full_name, role, unit_code, created_at)
     VALUES ($1, $2, 'Cán bộ trạm y tế', 'OFFICER', $3, now()) ON CONFLICT DO NOTHING`,
    [username, await hashPassword(BENCH_PASSWORD), unitCode],
  );
}

export async function login(baseUrl: string, username: string, password = BENCH_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** The ward whose officer the queue-page benchmarks log in as. */
export const QUEUE_UNIT = '26734';

/**
 * A fresh bench database with one ward's queue (2,000 open tickets of the 2021 campaign) and
 * its officer `bench-officer`: what the queue-page profiles and A/B runs read. Its URL.
 */
export async function seedQueuePage(database = BENCH_DB): Promise<string> {
  const url = await resetBenchDatabase(database);
  const campaign = await withClient(url, (c) => bulkCampaign(c, '2021-11'));
  await bulkLoadTickets(url, benchPii(), {
    count: 2_000,
    receivedFrom: campaign.intakeFrom,
    receivedTo: new Date('2021-11-08T20:00:00+07:00'),
    campaign,
    unitCode: QUEUE_UNIT,
    openShare: 1,
    serialStart: 5_000_000,
  });
  await withClient(url, async (c) => {
    await seedOfficer(c, QUEUE_UNIT, 'bench-officer');
    await c.query(`VACUUM ANALYZE`);
  });
  return url;
}
