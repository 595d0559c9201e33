import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditAction, AuditFilter, AuditLog, AuditModule } from '@phananh/audit';
import { FakeClock } from '@phananh/core';
import { PlatformModule } from '@phananh/platform';
import { IsolatedEnv, LogCapture, isolatedEnv, testConfig } from '@test/support';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

const ROWS = 60_000;

/**
 * The audit listing must stay fast on a long log: newest first and each filter walk an index
 * in (at, id) order and stop after `limit` rows, with no sort; a ticket's rows come from the
 * GIN index on the codes. 60,000 rows as queue pages write them (50 codes each) and single
 * views (one code), then the exact SQL the endpoint runs is EXPLAINed.
 */
describe('the audit listing on 60,000 rows: index-ordered, and a ticket through the GIN index', () => {
  let env: IsolatedEnv;
  let app: INestApplicationContext;
  let db: DataSource;
  let audit: AuditLog;

  const explain = async (filter: Partial<AuditFilter>) => {
    const { sql, params } = audit.sql({ limit: 50, ...filter });
    const [row] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    return nodes(row['QUERY PLAN'][0].Plan as PlanNode);
  };
  const types = (plan: PlanNode[]) => plan.map((n) => n['Node Type']);
  const indexes = (plan: PlanNode[]) => plan.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));

  beforeAll(async () => {
    env = await isolatedEnv();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({
          config: testConfig(env),
          clock: new FakeClock('2021-11-05T08:00:00+07:00'),
          logStream: new LogCapture(),
        }),
        AuditModule,
      ],
    }).compile();
    app = await moduleRef.init();
    db = app.get<DataSource>(getDataSourceToken());
    audit = app.get(AuditLog);
    // One row a second from 3 Nov 2021; 500 officials; every tenth row a single view of one
    // ticket, the others queue pages of 50 consecutive codes (so a code is on ~50 pages).
    await db.query(
      `INSERT INTO audit_log (at, actor_user_id, actor_username, actor_role, actor_unit_code, action, ticket_codes, query, client_address)
       SELECT timestamptz '2021-11-03 00:00+07' + g * interval '1 second', md5('u' || g % 500)::uuid,
              'officer-' || g % 500, 'OFFICER', '00001',
              CASE WHEN g % 10 = 0 THEN 'IDENTITY_VIEWED' ELSE 'QUEUE_PAGE' END,
              CASE WHEN g % 10 = 0 THEN ARRAY['T-' || g]
                   ELSE ARRAY(SELECT 'T-' || (g - k) FROM generate_series(0, 49) k) END,
              '{"limit": 50, "cursor": false}', '127.0.0.1'
       FROM generate_series(1, $1::int) g`,
      [ROWS],
    );
    await db.query(`VACUUM ANALYZE audit_log`);
  });
  afterAll(async () => {
    await app?.close();
    await env?.drop();
  });

  it('walks ix_audit_log_at newest first and stops after the page, on the first page and after a cursor', async () => {
    const first = await audit.list({ limit: 50 });
    for (const filter of [{}, { cursor: first.nextCursor! }, { from: new Date('2021-11-03T05:00:00Z') }]) {
      const plan = await explain(filter);
      expect(indexes(plan)).toEqual(['ix_audit_log_at']);
      expect(types(plan)).not.toContain('Sort');
      expect(Math.max(...plan.map((n) => n['Actual Rows'] ?? 0))).toBeLessThanOrEqual(51);
    }
  });

  it('serves an actor and an action from their own indexes, in order', async () => {
    for (const [filter, index] of [
      [{ actor: 'OFFICER-7' }, 'ix_audit_log_actor'],
      [{ action: AuditAction.IdentityViewed }, 'ix_audit_log_action'],
    ] as const) {
      const plan = await explain(filter);
      expect(indexes(plan)).toEqual([index]);
      expect(types(plan)).not.toContain('Sort');
      expect(types(plan)).not.toContain('Seq Scan');
    }
  });

  it("finds a ticket's rows through the GIN index, not by filtering the whole log", async () => {
    for (const filter of [{ ticket: 'T-30000' }, { ticket: 'T-30000', actor: 'officer-7' }]) {
      const plan = await explain(filter);
      expect(indexes(plan)).toEqual(['ix_audit_log_ticket_codes']);
      expect(types(plan)).not.toContain('Seq Scan');
    }
    const page = await audit.list({ ticket: 'T-30000', limit: 100 });
    const expected: { id: string }[] = await db.query(
      `SELECT id::text AS id FROM audit_log WHERE 'T-30000' = ANY (ticket_codes) ORDER BY at DESC, audit_log.id DESC`,
    );
    expect(page.items.map((i) => i.id)).toEqual(expected.map((r) => r.id));
    expect(expected.length).toBeGreaterThan(40);
  });
});
