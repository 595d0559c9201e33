import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { TicketStore } from '@phananh/ticket-store';
import { TestApp, createTestApp, newOfficial, newTicket } from '@test/support';

/**
 * The automatic distribution's rotation under concurrency (DISTRIBUTE_ARRIVALS_SQL): the unit's
 * counter row is the only coordinator, so a second transaction handing out tickets of the same
 * unit waits for the first and continues the rotation where it ended; another unit never waits.
 */
describe('TicketStore: the distribution rotation', () => {
  let t: TestApp;
  let store: TicketStore;
  const officers: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ worker: false, clock: new FakeClock('2021-11-05T08:00:00+07:00') });
    store = t.app.get(TicketStore);
    for (let i = 0; i < 3; i++)
      officers.push((await newOfficial(t, { role: Role.Officer, unitCode: '00001' })).user.id);
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001' }); // supervisors are not in the rotation
    await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
    officers.sort(); // the rotation's order is the officers' ids
    await t.db.query(
      `INSERT INTO unit_distribution (unit_code, enabled, updated_at) VALUES ('00001', true, now()), ('00004', true, now())`,
    );
  });
  afterAll(() => t.close());

  const assignees = async (codes: string[]): Promise<(string | null)[]> => {
    const rows: { code: string; assignee: string | null }[] = await t.db.query(
      `SELECT tracking_code AS code, assignee_id AS assignee FROM tickets WHERE tracking_code = ANY ($1::text[])`,
      [codes],
    );
    return codes.map((c) => rows.find((r) => r.code === c)!.assignee);
  };

  it('continues the rotation in a transaction that waited for another one handing out tickets of the same unit', async () => {
    // One after another: the rotation hands tickets out in id order, so the ids follow these arrays.
    const tickets = async (n: number) => {
      const made = [];
      for (let i = 0; i < n; i++) made.push(await newTicket(t, { unitCode: '00001' }));
      return made;
    };
    const first = await tickets(2);
    const second = await tickets(4);
    const elsewhere = await newTicket(t, { unitCode: '00004' });
    const a = t.db.createQueryRunner();
    try {
      await a.query('BEGIN');
      expect(
        await store.distributeArrivals(
          a,
          first.map((x) => x.trackingCode),
          null,
        ),
      ).toBe(2);
      let done: number | undefined;
      const b = t.db
        .transaction((m) =>
          store.distributeArrivals(
            m,
            second.map((x) => x.trackingCode),
            null,
          ),
        )
        .then((n) => (done = n));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBeUndefined(); // waiting for the unit's counter row
      // Another unit's tickets do not wait.
      expect(await t.db.transaction((m) => store.distributeArrivals(m, [elsewhere.trackingCode], null))).toBe(1);
      expect(done).toBeUndefined();
      await a.query('COMMIT');
      await b;
      expect(done).toBe(4);
    } finally {
      await a.release();
    }
    // Six tickets, three officers: 0, 1 | 2, 0, 1, 2 — the second transaction went on from the first's counter.
    expect(await assignees([...first, ...second].map((x) => x.trackingCode))).toEqual([
      officers[0],
      officers[1],
      officers[2],
      officers[0],
      officers[1],
      officers[2],
    ]);
    const [{ next_seq }] = await t.db.query(`SELECT next_seq FROM unit_distribution WHERE unit_code = '00001'`);
    expect(Number(next_seq)).toBe(6);
  });

  it('leaves assigned, closed and non-distributing units’ tickets alone, and writes one history entry per ticket handed out', async () => {
    const taken = await newTicket(t, { unitCode: '00001', assigneeId: officers[0] });
    const closed = await newTicket(t, { unitCode: '00001', status: 'RESOLVED' as never });
    const plain = await newTicket(t, { unitCode: '00037' });
    const fresh = await newTicket(t, { unitCode: '00001' });
    const codes = [taken, closed, plain, fresh].map((x) => x.trackingCode);
    expect(await t.db.transaction((m) => store.distributeArrivals(m, codes, new Date()))).toBe(1);
    expect(await assignees(codes)).toEqual([officers[0], null, null, officers[0]]);
    const events: { ticket_id: string; note: string }[] = await t.db.query(
      `SELECT ticket_id, note FROM ticket_events WHERE action = 'ASSIGNEE_CHANGED' AND ticket_id = ANY ($1::bigint[])`,
      [[taken, closed, plain, fresh].map((x) => x.id)],
    );
    expect(events).toEqual([{ ticket_id: fresh.id, note: 'AUTO_DISTRIBUTION' }]);
  });
});
