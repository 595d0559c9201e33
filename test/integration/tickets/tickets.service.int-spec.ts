import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '@phananh/core';
import { AuthUser, IdentityModule, Role } from '@phananh/identity';
import { SlaCoreModule } from '@phananh/sla';
import { TicketStatus, TicketStore } from '@phananh/ticket-store';
import { TicketsModule, TicketsService, WorkflowAction } from '@phananh/tickets';
import { TestModule, createTestModule, eventually, newTicket } from '@test/support';

/**
 * The lost-update guard, made deterministic: another transaction changes the ticket after
 * this action has read it and before its UPDATE runs. The UPDATE … WHERE version = read
 * version then matches nothing, and the action is refused without a history entry.
 */
describe('TicketsService optimistic concurrency', () => {
  let m: TestModule;
  let app: INestApplicationContext;
  let db: DataSource;
  let tickets: TicketsService;
  const officer: AuthUser = {
    id: '00000000-0000-4000-8000-000000000001',
    username: 'officer',
    fullName: 'Officer',
    role: Role.Officer,
    unitCode: '00001',
    unitLevel: 'ward',
  };

  beforeAll(async () => {
    m = await createTestModule([SlaCoreModule, IdentityModule, TicketsModule]);
    ({ app, db } = m);
    tickets = app.get(TicketsService);
  });
  afterAll(() => m?.close());

  const insertTicket = async (trackingCode: string) => (await newTicket(m, { trackingCode, filedEvent: false })).id;

  it('refuses an action whose ticket changed between its read and its write (409, no history)', async () => {
    const id = await insertTicket('RACE-1');
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await app.get(TicketStore).update(other, id, 1, { status: TicketStatus.Deferred }, new Date());
    const action = tickets.act(officer, 'RACE-1', { action: WorkflowAction.Start });
    const settled = action.then(
      () => 'ok',
      (e: unknown) => e,
    );
    // The action has read version 1 (the other change is not committed) and now waits on the row lock.
    await eventually(async () => {
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE tickets SET%'`,
      );
      return n > 0;
    });
    await other.commitTransaction();
    await other.release();
    const error = await settled;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).def.code).toBe('TICKET_CHANGED');
    expect((error as AppError).def.status).toBe(409);
    const events = await db.query(`SELECT action FROM ticket_events WHERE ticket_id = $1`, [id]);
    expect(events).toEqual([]);
    const [row] = await db.query(`SELECT status, version FROM tickets WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'DEFERRED', version: 2 });
  });

  it('refuses a comment read before the retention job erased the ticket and written after it (409, no note)', async () => {
    const closedAt = new Date('2021-11-04T08:00:00+07:00');
    const { id } = await newTicket(m, {
      trackingCode: 'ERASE-1',
      status: TicketStatus.Resolved,
      campaignCode: null,
      closedAt,
      filedEvent: false,
    });
    const store = app.get(TicketStore);
    const read = await tickets.findInReach(officer, 'ERASE-1');
    // While a comment holds the ticket (FOR SHARE, as lockUnerased does), the job's claim skips it.
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`SELECT id FROM tickets WHERE id = $1 FOR SHARE`, [id]);
    const later = new Date(closedAt.getTime() + 1);
    expect(await store.erasePersonalData(later, later, 10)).toMatchObject({ tickets: 0 });
    await other.commitTransaction();
    await other.release();
    expect(await store.erasePersonalData(later, later, 10)).toMatchObject({ tickets: 1 });
    // The comment read the ticket before the erasure: its write now finds it erased.
    jest.spyOn(tickets, 'findInReach').mockResolvedValueOnce(read);
    const error = await tickets
      .act(officer, 'ERASE-1', { action: WorkflowAction.Comment, text: 'Gọi lại cho chị Nhung' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).def.code).toBe('TICKET_ERASED');
    expect(await db.query(`SELECT action FROM ticket_events WHERE ticket_id = $1`, [id])).toEqual([]);
  });

  it('rolls the ticket change back when its history entry cannot be written', async () => {
    const id = await insertTicket('RACE-2');
    await db.query(`ALTER TABLE ticket_events ADD CONSTRAINT ck_test_no_started CHECK (action <> 'STARTED')`);
    try {
      await expect(tickets.act(officer, 'RACE-2', { action: WorkflowAction.Start })).rejects.toThrow();
    } finally {
      await db.query(`ALTER TABLE ticket_events DROP CONSTRAINT ck_test_no_started`);
    }
    const [row] = await db.query(`SELECT status, version FROM tickets WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'ASSIGNED', version: 1 });
  });
});
