import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FakeClock, PiiCrypto } from '@phananh/core';
import { AuthUser, IdentityModule, Role } from '@phananh/identity';
import { PlatformModule } from '@phananh/platform';
import { SlaCoreModule } from '@phananh/sla';
import { IsolatedEnv, LogCapture, isolatedEnv, testConfig } from '@test/support';
import { QueueQuery, TicketQueue } from '@phananh/tickets';
import { TicketsModule } from '@phananh/tickets';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

const TICKETS = 50_000;

/**
 * The queue's first page must stay fast at millions of tickets: it must walk the partial
 * index of its scope in (due_at, id) order and stop after `limit` rows, with no sort.
 * 50,000 tickets spread over every ward of the country, a fifth of them closed, then the
 * exact SQL the endpoint runs is EXPLAINed.
 */
describe('the officials queue on 50,000 tickets: index-ordered, no sort', () => {
  let env: IsolatedEnv;
  let app: INestApplicationContext;
  let db: DataSource;
  let queue: TicketQueue;
  const clock = new FakeClock('2021-11-05T08:00:00+07:00');

  const user = (role: Role, unitCode: string | null, unitLevel: AuthUser['unitLevel']): AuthUser => ({
    id: '00000000-0000-4000-8000-000000000001',
    username: 'u',
    fullName: 'u',
    role,
    unitCode,
    unitLevel,
  });
  const officer = user(Role.Officer, '00001', 'ward');
  const district = user(Role.Supervisor, '001', 'district');
  const province = user(Role.Supervisor, '79', 'province');
  const admin = user(Role.Admin, null, null);

  const explain = async (who: AuthUser, query: Partial<QueueQuery> = {}) => {
    const { sql, params } = queue.sql(who, { limit: 50, ...query });
    const [row] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    return nodes(row['QUERY PLAN'][0].Plan as PlanNode);
  };

  beforeAll(async () => {
    env = await isolatedEnv();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ config: testConfig(env), clock, logStream: new LogCapture() }),
        SlaCoreModule,
        IdentityModule,
        TicketsModule,
      ],
    }).compile();
    app = await moduleRef.init();
    db = app.get<DataSource>(getDataSourceToken());
    queue = app.get(TicketQueue);
    // Every ward gets tickets, the two big cities (01, 79) about half of them.
    // Every ward gets tickets, the two big cities (01, 79) half of them, and one busy ward
    // (Phúc Xá, 00001) one in twenty, as the crowded urban wards did.
    await db.query(
      `WITH w AS (
         SELECT array_agg(code ORDER BY code) AS all_codes,
                array_agg(code ORDER BY code) FILTER (WHERE province_code IN ('01', '79')) AS big_codes
         FROM units WHERE level = 'ward'),
       picked AS (
         SELECT g, CASE WHEN g % 20 = 1 THEN '00001'
                        WHEN g % 2 = 0 THEN all_codes[(g * 7919) % cardinality(all_codes) + 1]
                        ELSE big_codes[(g * 7919) % cardinality(big_codes) + 1] END AS code,
                timestamptz '2021-11-03T00:00:00+07:00' + (g % 11520) * interval '1 minute' AS received,
                g % 5 <> 0 AS open,
                (ARRAY['ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'ASSIGNED', 'RESOLVED'])[g % 5 + 1] AS status
         FROM generate_series(1, $1::int) AS g, w)
       INSERT INTO tickets (tracking_code, status, issue_type, received_at, due_at, campaign_code, unit_code,
         district_code, province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, sla_next_at,
         updated_at, closed_at)
       SELECT 'Q' || p.g, p.status, 'MISSING_DOSE', p.received, p.received + interval '48 hours', '2021-11',
              u.code, u.district_code, u.province_code, 'Nguyễn Văn An', '1990-05-17',
              $2::bytea, gen_random_bytes(32),
              CASE WHEN p.open THEN p.received + interval '36 hours' END, p.received,
              CASE WHEN p.open THEN NULL ELSE p.received + interval '5 hours' END
       FROM picked p JOIN units u ON u.code = p.code`,
      [TICKETS, app.get(PiiCrypto).encrypt('001090012345')],
    );
    await db.query(`ANALYZE tickets`);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await env?.drop();
  });

  it('loaded the tickets', async () => {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM tickets`);
    expect(n).toBe(TICKETS);
  });

  it.each([
    ['an officer', 'ix_tickets_open_unit_due', officer],
    ['a district supervisor', 'ix_tickets_open_district_due', district],
    ['a province supervisor', 'ix_tickets_open_province_due', province],
    ['an admin', 'ix_tickets_open_due', admin],
  ])('serves %s from %s, reading no more than the page', async (_who, index, who) => {
    const plan = await explain(who);
    expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
    const scan = plan.find((n) => n['Index Name']);
    expect(scan).toMatchObject({ 'Node Type': expect.stringMatching(/^Index( Only)? Scan$/), 'Index Name': index });
    expect(scan!['Actual Rows']).toBeLessThanOrEqual(51);
  });

  it('serves the next page (keyset cursor) from the same index, without a sort', async () => {
    const first = await queue.list(province, { limit: 50 });
    expect(first.items).toHaveLength(50);
    const plan = await explain(province, { cursor: first.nextCursor! });
    expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
    // The keyset position is an index bound, not a filter over skipped rows.
    expect(plan.find((n) => n['Index Name'])).toMatchObject({
      'Index Name': 'ix_tickets_open_province_due',
      'Index Cond': expect.stringContaining('ROW(due_at, id) > ROW('),
      'Actual Rows': 51,
    });
    const second = await queue.list(province, { limit: 50, cursor: first.nextCursor! });
    const keys = [...first.items, ...second.items].map((i) => `${i.dueAt}|${i.trackingCode}`);
    expect(new Set(keys).size).toBe(100);
    expect([...first.items, ...second.items].map((i) => i.dueAt)).toEqual(
      [...first.items, ...second.items].map((i) => i.dueAt).sort(),
    );
  });

  it('narrows a province supervisor to a district with the district index, and the overdue filter keeps the order', async () => {
    const plan = await explain(province, { unitCode: '760' });
    expect(plan.find((n) => n['Index Name'])).toMatchObject({ 'Index Name': 'ix_tickets_open_district_due' });
    const overdue = await explain(district, { overdue: true });
    expect(overdue.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(overdue.find((n) => n['Index Name'])).toMatchObject({ 'Index Name': 'ix_tickets_open_district_due' });
  });
});
