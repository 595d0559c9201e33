import { FakeClock, HOUR_MS } from '@phananh/core';
import { Role } from '@phananh/identity';
import { SlaSweeper } from '@phananh/sla';
import { TicketStatus } from '@phananh/ticket-store';
import { TestApp, changeTicket, createTestApp, newOfficial, newTicket } from '@test/support';

/**
 * A sweep that runs late (a loaded machine, a worker restart) must still record what came due
 * while a ticket was open, even when an official closed it in between; and nothing that would
 * have come due only after the closing.
 */
describe('SlaSweeper behind the clock', () => {
  let t: TestApp;
  const clock = new FakeClock('2021-11-05T08:00:00+07:00');

  beforeAll(async () => {
    t = await createTestApp({ worker: false, clock });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001' });
  });
  afterAll(() => t.close());

  const alerts = async (ticketId: string) =>
    (
      await t.db.query(`SELECT kind, occurred_at FROM alert_events WHERE ticket_id = $1 ORDER BY occurred_at, kind`, [
        ticketId,
      ])
    ).map((r: { kind: string; occurred_at: Date }) => `${r.kind}@${r.occurred_at.toISOString()}`);
  const slaNextAt = async (ticketId: string) =>
    (await t.db.query(`SELECT sla_next_at FROM tickets WHERE id = $1`, [ticketId]))[0].sla_next_at;

  it('records the OVERDUE of a ticket closed after its deadline but before the sweep, and no ESCALATED', async () => {
    const dueAt = new Date(clock.now().getTime() + HOUR_MS);
    const late = await newTicket(t, { dueAt, receivedAt: new Date(dueAt.getTime() - 48 * HOUR_MS) });
    const early = await newTicket(t, { dueAt, receivedAt: new Date(dueAt.getTime() - 48 * HOUR_MS) });
    // Closed 30 minutes before the deadline: nothing was due but the DUE_SOON, which the sweep skips past.
    clock.set(new Date(dueAt.getTime() - HOUR_MS / 2));
    await t.app.get(SlaSweeper).sweep();
    await changeTicket(t, early.trackingCode, {
      status: TicketStatus.Resolved,
      closedAt: clock.now(),
      slaNextAt: null,
    });
    expect(await slaNextAt(early.id)).toBeNull();
    // Closed two hours after the deadline, while no sweep had run since before it.
    clock.set(new Date(dueAt.getTime() + 2 * HOUR_MS));
    await changeTicket(t, late.trackingCode, { status: TicketStatus.Resolved, closedAt: clock.now(), slaNextAt: null });
    expect(await slaNextAt(late.id)).toEqual(dueAt);
    // The sweep, a day later still: the OVERDUE of the time it was open, then nothing more.
    clock.set(new Date(dueAt.getTime() + 30 * HOUR_MS));
    await t.app.get(SlaSweeper).sweep();
    expect(await alerts(late.id)).toEqual([
      `DUE_SOON@${new Date(dueAt.getTime() - 12 * HOUR_MS).toISOString()}`,
      `OVERDUE@${dueAt.toISOString()}`,
    ]);
    expect(await slaNextAt(late.id)).toBeNull();
    expect(await alerts(early.id)).toEqual([`DUE_SOON@${new Date(dueAt.getTime() - 12 * HOUR_MS).toISOString()}`]);
  });
});
