import { FakeClock } from '@phananh/core';
import { uniqueViolation } from '@phananh/database';
import {
  Filing,
  OPEN_STATUS_SQL,
  TRACKING_CODE_CONSTRAINT,
  TicketStatus,
  TicketStore,
  identityLocksSql,
  newTicketRecord,
} from '@phananh/ticket-store';
import { TestApp, changeTicket, createTestApp, ticketRecord } from '@test/support';

/** The TicketStore against the real schema: the filing statement, its group commit and what the indexes assume. */
describe('TicketStore', () => {
  let t: TestApp;
  let store: TicketStore;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, clock: new FakeClock('2021-11-05T08:00:00+07:00') });
    store = t.app.get(TicketStore);
  });
  afterAll(() => t.close());

  const filing = async (
    trackingCode: string,
    citizenId?: string,
    more: { phone?: string | null; doseNumber?: number | null } = {},
  ): Promise<Filing> => {
    const {
      status: _s,
      version: _v,
      updatedAt: _u,
      closedAt: _c,
      duplicateOf: _d,
      mergedInto: _m,
      ...fields
    } = await ticketRecord(t, { trackingCode, citizenId, ...more });
    return { ticket: newTicketRecord(fields), files: [], receipt: null };
  };
  const ticketsOf = (prefix: string) =>
    t.db.query(
      `SELECT t.tracking_code AS code, d.tracking_code AS "duplicateOf"
       FROM tickets t LEFT JOIN tickets d ON d.id = t.duplicate_of
       WHERE t.tracking_code LIKE $1 ORDER BY t.id`,
      [`${prefix}%`],
    );

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

  it('writes a filing with its FILED and ASSIGNED history, and refuses a second open one of the same citizen and phone', async () => {
    const first = await filing('STORE-A1', '001090990001');
    expect(await store.file(first)).toBe('created');
    const again = await filing('STORE-A2', '001090990001');
    expect(await store.file(again)).toBe('duplicate');
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
    expect(await store.file(taken)).toBe('created');
    const batch = await Promise.all([filing('STORE-B1'), filing('STORE-B0'), filing('STORE-B2')]);
    // Issued in one turn of the event loop: one batch, one statement (proved by the rejection below,
    // which a lone statement for B1 or B2 could not cause).
    const results = await Promise.allSettled(batch.map((f) => store.file(f)));
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'created' });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'created' });
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
      expect(results.every((r) => r === 'created')).toBe(true);
      expect(sent).toHaveBeenCalledTimes(1);
      expect(sent.mock.calls[0][1]).toHaveLength(20);
    } finally {
      sent.mockRestore();
    }
  });

  it('files a report from another phone (or none) as its own, linked to the earliest open one', async () => {
    const citizenId = '001090990010';
    expect(await store.file(await filing('STORE-D1', citizenId, { phone: '0912000001' }))).toBe('created');
    expect(await store.file(await filing('STORE-D2', citizenId, { phone: '0912000002' }))).toBe('created');
    expect(await store.file(await filing('STORE-D3', citizenId, { phone: null }))).toBe('created');
    expect(await store.file(await filing('STORE-D4', citizenId, { phone: null }))).toBe('created');
    expect(await store.file(await filing('STORE-D5', citizenId, { phone: '0912000002' }))).toBe('duplicate');
    expect(await ticketsOf('STORE-D')).toEqual([
      { code: 'STORE-D1', duplicateOf: null },
      { code: 'STORE-D2', duplicateOf: 'STORE-D1' },
      { code: 'STORE-D3', duplicateOf: 'STORE-D1' },
      { code: 'STORE-D4', duplicateOf: 'STORE-D1' },
    ]);
  });

  describe('at most N open reports per identity number, in the one statement', () => {
    const phone = (i: number) => `09130000${String(i).padStart(2, '0')}`;

    it('refuses the filings past the limit, counting the open reports and the earlier rows of the statement', async () => {
      const citizenId = '001090990020';
      const other = '001090990021';
      expect(await store.file(await filing('STORE-E0', citizenId, { phone: phone(0) }))).toBe('created');
      // One statement: four more of this citizen (one a duplicate of another row), and one of someone else.
      const batch = [
        await filing('STORE-E1', citizenId, { phone: phone(1) }),
        await filing('STORE-E2', citizenId, { phone: phone(2) }),
        await filing('STORE-E3', citizenId, { phone: phone(2) }),
        await filing('STORE-E4', other, { phone: phone(4) }),
        await filing('STORE-E5', citizenId, { phone: null }),
      ];
      const outcomes = await store.fileBatch(t.db, batch, 3);
      expect([...outcomes]).toEqual([
        ['STORE-E1', 'created'],
        ['STORE-E2', 'created'],
        ['STORE-E3', 'duplicate'],
        ['STORE-E4', 'created'],
        ['STORE-E5', 'limit'],
      ]);
      // A duplicate still answers as one at the limit (its sender holds the phone); anything new is refused.
      const later = [
        await filing('STORE-E6', citizenId, { phone: phone(1) }),
        await filing('STORE-E7', citizenId, { phone: phone(7) }),
        await filing('STORE-E8', citizenId, { phone: phone(7) }),
      ];
      expect([...(await store.fileBatch(t.db, later, 3))]).toEqual([
        ['STORE-E6', 'duplicate'],
        ['STORE-E7', 'limit'],
        ['STORE-E8', 'limit'],
      ]);
      expect((await ticketsOf('STORE-E')).map((r: { code: string }) => r.code)).toEqual([
        'STORE-E0',
        'STORE-E1',
        'STORE-E2',
        'STORE-E4',
      ]);
    });

    it('counts only open reports, and reads the limit from OPEN_REPORTS_PER_CITIZEN', async () => {
      const citizenId = '001090990030';
      const limit = t.config.OPEN_REPORTS_PER_CITIZEN;
      expect(limit).toBe(5);
      for (let i = 0; i < limit; i++) {
        expect(await store.file(await filing(`STORE-F${i}`, citizenId, { phone: phone(i) }))).toBe('created');
      }
      expect(await store.file(await filing('STORE-FX', citizenId, { phone: phone(20) }))).toBe('limit');
      await changeTicket(t, 'STORE-F0', { status: TicketStatus.Resolved, closedAt: t.clock.now(), slaNextAt: null });
      expect(await store.file(await filing('STORE-FY', citizenId, { phone: phone(21) }))).toBe('created');
      expect(await store.file(await filing('STORE-FZ', citizenId, { phone: phone(22) }))).toBe('limit');
    });

    it("waits for a filing of the same identity number in flight, then counts its reports: two can't pass the limit together", async () => {
      const citizenId = '001090990040';
      const limit = t.config.OPEN_REPORTS_PER_CITIZEN;
      const other = await filing('STORE-G9', '001090990041', { phone: phone(9) });
      // Another filing in flight: its transaction holds the identity number's lock and has written up to the limit.
      const runner = t.db.createQueryRunner();
      try {
        const inFlight = await Promise.all(
          Array.from({ length: limit }, (_, i) => filing(`STORE-G${i}`, citizenId, { phone: phone(i) })),
        );
        await runner.query(`BEGIN; ${identityLocksSql(inFlight.map((f) => f.ticket.citizenIdHash!))}`);
        expect([...(await store.fileBatch(runner, inFlight))].every(([, o]) => o === 'created')).toBe(true);
        let outcome: string | undefined;
        const late = store.file(await filing('STORE-GX', citizenId, { phone: phone(30) })).then((o) => (outcome = o));
        await new Promise((r) => setTimeout(r, 300));
        // This one waits (its statement would not see the rows in flight); a filing of another
        // identity number, sent as a batch of its own, does not.
        expect(outcome).toBeUndefined();
        expect(await store.file(other)).toBe('created');
        expect(outcome).toBeUndefined();
        await runner.query('COMMIT');
        await late;
        expect(outcome).toBe('limit');
      } finally {
        await runner.release();
      }
    });
  });
});
