import { HOUR_MS, PiiCrypto } from '@phananh/core';
import { Role } from '@phananh/identity';
import { TestApp, createTestApp, newOfficial } from '@test/support';
import { CONSENT, Citizen, ISLAND_DISTRICTS, WARDS, newCitizen, reportBody } from './report-bodies';

const TOTAL = 1000;
const IN_FLIGHT = 50;

/** Runs `task(i)` for i in [0, total) with at most `limit` in flight. */
async function pool(total: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe('Done when: 1,000 valid reports filed concurrently', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { RATE_LIMIT_FILINGS_PER_MINUTE: '100000' } });
  });
  afterAll(() => t.close());

  it('finds exactly 1,000 tickets with the right units and deadlines, and no identity or phone number in the logs', async () => {
    // Pick 60 wards across the country; staff a third of them, and the districts of another third.
    const wards = Array.from({ length: 60 }, (_, i) => WARDS[(i * 7919) % WARDS.length]);
    const staffedWards = wards.filter((_, i) => i % 3 === 0);
    const districtOf = async (code: string) =>
      (await t.db.query(`SELECT parent_code FROM units WHERE code = $1`, [code]))[0].parent_code as string;
    const staffedDistricts = await Promise.all(wards.filter((_, i) => i % 3 === 1).map(districtOf));
    for (const unitCode of staffedWards) await newOfficial(t, { role: Role.Officer, unitCode });
    for (const unitCode of new Set(staffedDistricts)) await newOfficial(t, { role: Role.Supervisor, unitCode });
    await newOfficial(t, { role: Role.Officer, unitCode: '755' });
    const places = [...wards, ...ISLAND_DISTRICTS];

    const expectedUnit = async (place: string): Promise<string> => {
      const [row] = await t.db.query(`SELECT path FROM units WHERE code = $1`, [place]);
      const lineage = (row.path as string).split('/').filter(Boolean).reverse();
      const staffed = new Set([...staffedWards, ...staffedDistricts, '755']);
      return lineage.find((c) => staffed.has(c)) ?? lineage[lineage.length - 1];
    };

    const citizens: Citizen[] = [];
    const filed: { code: string; place: string; receivedAt: string; dueAt: string }[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    await pool(TOTAL, IN_FLIGHT, async (i) => {
      const citizen = newCitizen();
      citizens.push(citizen);
      const place = places[i % places.length];
      const body =
        i % 10 === 9
          ? { citizen: { ...citizen, wardCode: place }, issueType: 'WRONG_PERSONAL_INFO', consent: CONSENT }
          : reportBody(citizen, place);
      const res = await t.http.post('/api/v1/reports').send(body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 201) filed.push({ code: res.body.trackingCode, place, ...res.body });
    });
    const elapsed = Date.now() - started;
    process.stdout.write(`filed ${TOTAL} reports in ${elapsed} ms (${Math.round((TOTAL * 1000) / elapsed)}/s)\n`);

    expect(Object.fromEntries(statuses)).toEqual({ 201: TOTAL });
    const rows: {
      trackingCode: string;
      unitCode: string;
      receivedAt: Date;
      dueAt: Date;
      slaNextAt: Date;
      campaignCode: string;
      events: number;
      hash: Buffer;
    }[] = await t.db.query(
      `SELECT tracking_code AS "trackingCode", unit_code AS "unitCode", received_at AS "receivedAt", due_at AS "dueAt",
              sla_next_at AS "slaNextAt", campaign_code AS "campaignCode", citizen_id_hash AS hash,
              (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.is_public) AS events
       FROM tickets t`,
    );
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((r) => r.trackingCode)).size).toBe(TOTAL);

    const byCode = new Map(rows.map((r) => [r.trackingCode, r]));
    const expected = new Map<string, string>();
    for (const place of places) expected.set(place, await expectedUnit(place));
    const pii = t.app.get(PiiCrypto);
    const hashes = new Set(citizens.map((c) => pii.blindIndex(c.citizenId).toString('hex')));
    for (const f of filed) {
      const row = byCode.get(f.code)!;
      expect(row.unitCode).toBe(expected.get(f.place));
      expect(row.campaignCode).toBe('2021-11');
      expect(row.dueAt.getTime() - row.receivedAt.getTime()).toBe(48 * HOUR_MS);
      expect(row.slaNextAt.getTime()).toBe(row.dueAt.getTime() - 12 * HOUR_MS);
      expect(new Date(f.dueAt).getTime()).toBe(row.dueAt.getTime());
      expect(row.events).toBe(2);
      expect(hashes.has(row.hash.toString('hex'))).toBe(true);
    }
    const units = new Set(rows.map((r) => r.unitCode));
    expect(units.size).toBeGreaterThan(20);

    const logs = t.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toMatch(/"url":"\/api\/v1\/reports"/);
    for (const c of citizens) {
      expect(logs).not.toContain(c.citizenId);
      expect(logs).not.toContain(c.phone);
      expect(logs).not.toContain(c.phone.slice(1));
    }
  }, 300_000);
});
