import { Client } from 'pg';
import { PiiCrypto } from '@phananh/core';
import { bulkCampaign, bulkLoadTickets } from '../../support/bulk-load';
import { Geography } from '../../support/campaign-model';
import { IsolatedEnv, isolatedEnv } from '../../support/test-database';

const KEY = '11'.repeat(32);
const AS_OF = new Date('2021-11-08T20:00:00+07:00');

describe('bulkLoadTickets', () => {
  let env: IsolatedEnv;
  let db: Client;
  const pii = new PiiCrypto(KEY);

  beforeAll(async () => {
    env = await isolatedEnv();
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await env.drop();
  });

  const indexes = async () =>
    (
      await db.query(
        `SELECT indexname FROM pg_indexes WHERE tablename IN ('tickets', 'ticket_events') ORDER BY indexname`,
      )
    ).rows.map((r) => r.indexname as string);

  it('loads realistic tickets by COPY, and in fast mode puts every index and key back', async () => {
    const before = await indexes();
    const campaign = await bulkCampaign(db, '2021-11');
    const result = await bulkLoadTickets(env.databaseUrl, pii, {
      count: 3000,
      receivedFrom: campaign.intakeFrom,
      receivedTo: AS_OF,
      campaign,
      fast: true,
      serialStart: 0,
    });
    expect(result.tickets).toBe(3000);
    expect(await indexes()).toEqual(before);
    const [fk] = (
      await db.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'fk_ticket_events_ticket'`)
    ).rows;
    expect(fk.n).toBe(1);

    const [stats] = (
      await db.query(
        `SELECT count(*)::int AS tickets,
                count(*) FILTER (WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED'))::int AS open,
                count(DISTINCT citizen_id_hash)::int AS citizens,
                count(DISTINCT tracking_code)::int AS codes,
                min(received_at) AS first, max(received_at) AS last,
                count(*) FILTER (WHERE due_at <> received_at + interval '48 hours')::int AS odd_deadlines,
                count(*) FILTER (WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED') AND sla_next_at <= $1)::int AS stale
         FROM tickets`,
        [AS_OF],
      )
    ).rows;
    expect(stats).toMatchObject({ tickets: 3000, citizens: 3000, codes: 3000, odd_deadlines: 0, stale: 0 });
    expect(stats.open).toBe(result.open);
    expect(stats.open / 3000).toBeGreaterThan(0.28);
    expect(stats.open / 3000).toBeLessThan(0.42);
    expect(stats.first.getTime()).toBeGreaterThanOrEqual(campaign.intakeFrom.getTime());
    expect(stats.last.getTime()).toBeLessThan(AS_OF.getTime());

    // Every ticket has its public FILED and ASSIGNED history; closed ones their closing step.
    const [history] = (
      await db.query(
        `SELECT count(*) FILTER (WHERE n < 2)::int AS short,
                count(*) FILTER (WHERE closed AND NOT has_close)::int AS unclosed
         FROM (SELECT t.id, t.closed_at IS NOT NULL AS closed, count(e.id) AS n,
                      bool_or(e.action IN ('RESOLVED', 'REJECTED')) AS has_close
               FROM tickets t LEFT JOIN ticket_events e ON e.ticket_id = t.id GROUP BY t.id) x`,
      )
    ).rows;
    expect(history).toEqual({ short: 0, unclosed: 0 });

    // The identity number decrypts with the key, and its blind index matches.
    const { rows } = await db.query(
      `SELECT citizen_id_enc, citizen_id_hash, citizen_dob::text AS dob FROM tickets LIMIT 20`,
    );
    for (const row of rows) {
      const id = pii.decrypt(row.citizen_id_enc);
      expect(id).toMatch(/^\d{12}$/);
      expect(pii.blindIndex(id).equals(row.citizen_id_hash)).toBe(true);
      expect(id.slice(4, 6)).toBe(row.dob.slice(2, 4));
    }

    // Hồ Chí Minh City carries the largest share, as in the campaign.
    const byProvince = (
      await db.query(`SELECT province_code, count(*)::int AS n FROM tickets GROUP BY 1 ORDER BY 2 DESC`)
    ).rows;
    expect(byProvince[0].province_code).toBe('79');
    expect(byProvince[0].n / 3000).toBeCloseTo(new Geography().share('79'), 1);
  });

  it('puts deadline tickets in one unit, all open and due inside the window, ladders at OVERDUE', async () => {
    const campaign = await bulkCampaign(db, '2021-11');
    const from = new Date('2021-11-08T20:10:00+07:00');
    const to = new Date(from.getTime() + 60_000);
    const result = await bulkLoadTickets(env.databaseUrl, pii, {
      count: 500,
      receivedFrom: from,
      receivedTo: to,
      campaign,
      unitCode: '26734',
      dueBetween: [from, to],
      asOf: new Date(from.getTime() - 30_000),
      serialStart: 1_000_000,
    });
    const [row] = (
      await db.query(
        `SELECT count(*)::int AS n,
                count(*) FILTER (WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED'))::int AS open,
                count(*) FILTER (WHERE due_at >= $3 AND due_at < $4 AND sla_stage = 1 AND sla_next_at = due_at
                                 AND unit_code = '26734' AND district_code = '760' AND province_code = '79')::int AS ok
         FROM tickets WHERE id BETWEEN $1 AND $2`,
        [result.firstId, result.lastId, from, to],
      )
    ).rows;
    expect(row).toEqual({ n: 500, open: 500, ok: 500 });
  });
});
