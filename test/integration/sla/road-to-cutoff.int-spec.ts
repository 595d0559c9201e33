import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FakeClock, PiiCrypto } from '@phananh/core';
import { IdentityModule } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { Campaign, CampaignsService, RoadScope, RoadToCutoffService, SlaCoreModule, SlaModule } from '@phananh/sla';
import { TestModule, bulkCampaign, bulkLoadTickets, createTestModule } from '@test/support';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Heap Fetches'?: number;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

const TICKETS = 100_000;
const AS_OF = new Date('2021-11-09T12:00:00+07:00');

/**
 * The road's one pass must cost the area's tickets, not the table's: an index-only scan of
 * ix_tickets_campaign_road with the campaign and the area as its key prefix, whatever the
 * level. 100,000 tickets of the 2021 campaign spread over the country by the campaign model
 * (bulk-loaded by COPY), then the exact SQL the endpoints run is EXPLAINed. The figures at
 * millions are in docs/performance.md (bench: `npm run bench -- road`).
 */
describe('the road to the cutoff on 100,000 tickets: one index-only pass per area', () => {
  let m: TestModule;
  let app: INestApplicationContext;
  let db: DataSource;
  let road: RoadToCutoffService;
  let campaign: Campaign;
  const clock = new FakeClock(AS_OF);

  const explain = async (scope: RoadScope) => {
    const { sql, params } = road.passSql(scope, campaign);
    const [row] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    return nodes(row['QUERY PLAN'][0].Plan as PlanNode);
  };

  beforeAll(async () => {
    m = await createTestModule([SlaCoreModule, IdentityModule, SlaModule], clock);
    ({ app, db } = m);
    road = app.get(RoadToCutoffService);
    const client = new Client({ connectionString: m.env.databaseUrl });
    await client.connect();
    const bulk = await bulkCampaign(client, '2021-11');
    await client.end();
    await bulkLoadTickets(m.env.databaseUrl, app.get(PiiCrypto), {
      count: TICKETS,
      receivedFrom: bulk.intakeFrom,
      receivedTo: AS_OF,
      campaign: bulk,
      events: false,
      quiet: true,
      fast: true,
      serialStart: 0,
    });
    // As autovacuum would: the visibility map lets the scan skip the table.
    await db.query(`VACUUM ANALYZE tickets`);
    campaign = (await app.get(CampaignsService).byCode('2021-11'))!;
  }, 300_000);
  afterAll(() => m?.close());

  const unit = (code: string) => app.get(ReferenceService).unit(code)!;

  it.each([
    ['a province (79)', () => ({ kind: 'subtree', unit: unit('79') }) as RoadScope],
    ['a district (760)', () => ({ kind: 'subtree', unit: unit('760') }) as RoadScope],
    ['a ward (26734)', () => ({ kind: 'subtree', unit: unit('26734') }) as RoadScope],
    ['an officer of a ward', () => ({ kind: 'own', unit: unit('26734') }) as RoadScope],
    ['the country', () => ({ kind: 'country' }) as RoadScope],
  ])('reads %s with an index-only scan of ix_tickets_campaign_road, never the table', async (_what, scope) => {
    const plan = await explain(scope());
    const types = plan.map((n) => n['Node Type']);
    expect(types).not.toContain('Seq Scan');
    expect(types).not.toContain('Bitmap Heap Scan');
    const scans = plan.filter((n) => n['Index Name']);
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) {
      expect(scan).toMatchObject({ 'Node Type': 'Index Only Scan', 'Index Name': 'ix_tickets_campaign_road' });
      expect(scan['Heap Fetches']).toBe(0);
    }
  });

  it('reads only the area: a district scans its own tickets, not its province', async () => {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM tickets WHERE campaign_code = '2021-11' AND district_code = '760'`,
    );
    const plan = await explain({ kind: 'subtree', unit: unit('760') });
    const scan = plan.find((p) => p['Index Name'])!;
    expect(scan['Actual Rows']).toBe(n);
  });

  // The bulk loader closes many tickets exactly at its asOf, which is this test's now: the last point must count them.
  it('adds up: the last point of the burn-down is what is open now, the series sums to the campaign', async () => {
    const { burndown, onTime } = await road.burndown({ kind: 'subtree', unit: unit('79') }, campaign);
    const [row] = await db.query(
      `SELECT count(*) FILTER (WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED'))::int AS open,
              count(*) FILTER (WHERE status = 'RESOLVED' AND closed_at <= due_at)::int AS on_time
       FROM tickets WHERE campaign_code = '2021-11' AND province_code = '79'`,
    );
    expect(burndown.points.at(-1)!.open).toBe(row.open);
    expect(burndown.openNow).toBe(row.open);
    expect(onTime.reduce((s, d) => s + d.resolvedOnTime, 0)).toBe(row.on_time);
    expect(burndown.points).toHaveLength(6 * 24 + 12);
  });
});
