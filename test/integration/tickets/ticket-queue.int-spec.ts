import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuthUser, IdentityModule, Role } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { SlaCoreModule } from '@phananh/sla';
import { OPEN_STATUSES, TicketStatus } from '@phananh/ticket-store';
import { QueueQuery, TicketQueue, TicketsModule } from '@phananh/tickets';
import { TestModule, createTestModule, newTickets } from '@test/support';

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
  let m: TestModule;
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
    m = await createTestModule([SlaCoreModule, IdentityModule, TicketsModule], clock);
    ({ app, db } = m);
    queue = app.get(TicketQueue);
    // Every ward gets tickets, the two big cities (01, 79) half of them, and one busy ward
    // (Phúc Xá, 00001) one in twenty, as the crowded urban wards did; a fifth are closed.
    const reference = app.get(ReferenceService);
    const wards = (code: string): string[] =>
      reference.childrenOf(code).flatMap((u) => (u.level === 'ward' ? [u.code] : wards(u.code)));
    const all = reference.allProvinces().flatMap((p) => wards(p.code));
    const big = [...wards('01'), ...wards('79')];
    const statuses = [...OPEN_STATUSES, TicketStatus.Assigned, TicketStatus.Resolved];
    await newTickets(
      { app, db, clock },
      Array.from({ length: TICKETS }, (_, i) => {
        const g = i + 1;
        const unitCode =
          g % 20 === 1 ? '00001' : g % 2 === 0 ? all[(g * 7919) % all.length] : big[(g * 7919) % big.length];
        const receivedAt = new Date(Date.parse('2021-11-03T00:00:00+07:00') + (g % 11520) * 60_000);
        return {
          unitCode,
          receivedAt,
          status: statuses[g % 5],
          closedAt: new Date(receivedAt.getTime() + 5 * HOUR_MS),
        };
      }),
    );
    await db.query(`ANALYZE tickets`);
  }, 180_000);
  afterAll(() => m?.close());

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

  it('serves "mine" from ix_tickets_open_assignee_due and an officer\'s "unassigned" from ix_tickets_open_unassigned_unit_due', async () => {
    const colleague = '00000000-0000-4000-8000-000000000002';
    await db.query(
      `INSERT INTO users (id, username, password_hash, full_name, role, unit_code, created_at)
       VALUES ($1, 'queue-officer', 'x', 'x', 'OFFICER', '00001', now()),
              ($2, 'queue-colleague', 'x', 'x', 'OFFICER', '00001', now())`,
      [officer.id, colleague],
    );
    // The busy ward: three tickets in four are someone's (one in four the caller's), the rest the unit's.
    await db.query(
      `UPDATE tickets t SET assignee_id = CASE w.n % 4 WHEN 0 THEN $1::uuid WHEN 1 THEN $2::uuid WHEN 2 THEN $2::uuid END
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM tickets WHERE unit_code = '00001') w
       WHERE t.id = w.id`,
      [officer.id, colleague],
    );
    await db.query(`ANALYZE tickets`);
    for (const [who, filter, index] of [
      [officer, 'mine', 'ix_tickets_open_assignee_due'],
      [province, 'mine', 'ix_tickets_open_assignee_due'],
      [officer, 'unassigned', 'ix_tickets_open_unassigned_unit_due'],
    ] as const) {
      const plan = await explain({ ...who, id: officer.id }, { assignee: filter });
      expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
      const scan = plan.find((n) => n['Index Name']);
      expect(scan).toMatchObject({ 'Node Type': expect.stringMatching(/^Index( Only)? Scan$/), 'Index Name': index });
      expect(scan!['Actual Rows']).toBeLessThanOrEqual(51);
    }
    const mine = await queue.list(officer, { limit: 100, assignee: 'mine' });
    expect(mine.items.length).toBe(100);
    expect(mine.items.every((i) => i.assignee?.username === 'queue-officer')).toBe(true);
    const unassigned = await queue.list(officer, { limit: 100, assignee: 'unassigned' });
    expect(unassigned.items.length).toBeGreaterThan(0);
    expect(unassigned.items.every((i) => i.assignee === null && i.assignedUnit.code === '00001')).toBe(true);
  });
});
