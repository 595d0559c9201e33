import { FakeClock } from '@phananh/core';
import { uniqueViolation } from '@phananh/database';
import { Filing, OPEN_STATUS_SQL, TRACKING_CODE_CONSTRAINT, TicketStore, newTicketRecord } from '@phananh/ticket-store';
import { TestApp, createTestApp, ticketRecord } from '@test/support';

/** The TicketStore against the real schema: the filing statement, its group commit and what the indexes assume. */
describe('TicketStore', () => {
  let t: TestApp;
  let store: TicketStore;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, clock: new FakeClock('2021-11-05T08:00:00+07:00') });
    store = t.app.get(TicketStore);
  });
  afterAll(() => t.close());

  const filing = async (trackingCode: string, citizenId?: string): Promise<Filing> => {
    const {
      status: _s,
      version: _v,
      updatedAt: _u,
      closedAt: _c,
      ...fields
    } = await ticketRecord(t, {
      trackingCode,
      citizenId,
    });
    return { ticket: newTicketRecord(fields), files: [], receipt: null };
  };

  it('spells the open statuses exactly as the partial indexes do, so the planner can use them', async () => {
    const predicates = async (table: string): Promise<string[]> =>
      (
        await t.db.query(
          `SELECT DISTINCT pg_get_expr(i.indpred, i.indrelid) AS p FROM pg_index i
           WHERE i.indrelid = $1::regclass AND pg_get_expr(i.indpred, i.indrelid) LIKE '%status%'`,
          [table],
        )
      ).map((r: { p: string }) => r.p);
    // PostgreSQL's own rendering of OPEN_STATUS_SQL, on a scratch table with the same column.
    await t.db.query(`CREATE TEMP TABLE open_status_probe (status text)`);
    await t.db.query(`CREATE INDEX ON open_status_probe (status) WHERE status IN ${OPEN_STATUS_SQL}`);
    const [ours] = await predicates('open_status_probe');
    const migrated = await predicates('tickets');
    expect(migrated.length).toBeGreaterThan(0);
    expect(migrated.every((p) => p === ours || p.startsWith(`(${ours} AND `))).toBe(true);
  });

  it('writes a filing with its FILED and ASSIGNED history, and refuses a second open one of the same citizen', async () => {
    const first = await filing('STORE-A1', '001090990001');
    expect(await store.file(first)).toBe(true);
    const again = await filing('STORE-A2', '001090990001');
    expect(await store.file(again)).toBe(false);
    const rows = await t.db.query(
      `SELECT t.tracking_code, array_agg(e.action ORDER BY e.id) AS actions
       FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id
       WHERE t.tracking_code LIKE 'STORE-A%' GROUP BY t.tracking_code`,
    );
    expect(rows).toEqual([{ tracking_code: 'STORE-A1', actions: ['FILED', 'ASSIGNED'] }]);
  });

  it('files a group-committed batch one by one when the batch hits a unique violation', async () => {
    // A taken tracking code makes the whole batch statement fail; the batcher then files each alone.
    const taken = await filing('STORE-B0');
    expect(await store.file(taken)).toBe(true);
    const batch = await Promise.all([filing('STORE-B1'), filing('STORE-B0'), filing('STORE-B2')]);
    // Issued in one turn of the event loop: one batch, one statement (proved by the rejection below,
    // which a lone statement for B1 or B2 could not cause).
    const results = await Promise.allSettled(batch.map((f) => store.file(f)));
    expect(results[0]).toEqual({ status: 'fulfilled', value: true });
    expect(results[2]).toEqual({ status: 'fulfilled', value: true });
    expect(results[1].status).toBe('rejected');
    expect(uniqueViolation((results[1] as PromiseRejectedResult).reason)).toBe(TRACKING_CODE_CONSTRAINT);
    const codes = await t.db.query(
      `SELECT tracking_code FROM tickets WHERE tracking_code LIKE 'STORE-B%' ORDER BY tracking_code`,
    );
    expect(codes.map((r: { tracking_code: string }) => r.tracking_code)).toEqual(['STORE-B0', 'STORE-B1', 'STORE-B2']);
  });

  it('sends one statement for filings that arrive together', async () => {
    const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => filing(`STORE-C${i}`)));
    const sent = jest.spyOn(store, 'fileBatch');
    try {
      const results = await Promise.all(batch.map((f) => store.file(f)));
      expect(results.every(Boolean)).toBe(true);
      expect(sent).toHaveBeenCalledTimes(1);
      expect(sent.mock.calls[0][1]).toHaveLength(20);
    } finally {
      sent.mockRestore();
    }
  });
});
