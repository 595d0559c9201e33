import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FakeClock } from '@phananh/core';
import { IdentityModule } from '@phananh/identity';
import { SlaCoreModule } from '@phananh/sla';
import { TICKET_LIST_SELECT, TICKET_ROW_SELECT, TicketListRow, TicketRow } from '@phananh/ticket-store';
import { TicketViews, TicketsModule } from '@phananh/tickets';
import { TestModule, createTestModule, newTickets } from '@test/support';

/**
 * A queue page reads the lean TICKET_LIST_SELECT (instants formatted by PostgreSQL, no
 * ciphertexts where a masked form is stored); what it shows must be exactly the list view of
 * the full row, whatever the row holds.
 */
describe('the queue page’s lean row', () => {
  let m: TestModule;
  let app: INestApplicationContext;
  let db: DataSource;
  const clock = new FakeClock('2021-11-05T08:00:00+07:00');

  beforeAll(async () => {
    m = await createTestModule([SlaCoreModule, IdentityModule, TicketsModule], clock);
    ({ app, db } = m);
  });
  afterAll(() => m?.close());

  it('shows what the full row’s list view shows, to the millisecond', async () => {
    const ids = await newTickets({ app, db, clock }, [
      {},
      // Milliseconds, and an instant whose Vietnamese date is the next day (UTC 17:00 → 00:00 +07:00).
      { receivedAt: new Date('2021-11-04T17:00:00.123Z'), dueAt: new Date('2021-11-06T16:59:59.999Z') },
      { overdueSince: new Date('2021-11-07T01:02:03.456Z'), phone: null },
      { description: 'Mũi 2 chưa có', doseNumber: 2 },
    ]);
    const views = app.get(TicketViews);
    const full: TicketRow[] = await db.query(
      `SELECT ${TICKET_ROW_SELECT} FROM tickets t WHERE t.id = ANY($1) ORDER BY t.id`,
      [ids],
    );
    const lean: TicketListRow[] = await db.query(
      `SELECT ${TICKET_LIST_SELECT} FROM tickets t WHERE t.id = ANY($1) ORDER BY t.id`,
      [ids],
    );
    expect(lean).toHaveLength(ids.length);
    expect(lean.map((r) => views.listView(r))).toEqual(full.map((r) => views.view(r, false)));
    // The factory stores no masked forms (rows from before MaskedPii): the lean row carries the ciphertext then.
    expect(lean[0].citizenIdEnc).toBeInstanceOf(Buffer);
    expect(lean[2].hasPhone).toBe(false);
  });
});
