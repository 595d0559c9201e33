import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, FakeClock, PiiCrypto } from '@phananh/core';
import { AuthUser, IdentityModule, Role } from '@phananh/identity';
import { PlatformModule } from '@phananh/platform';
import { SlaCoreModule } from '@phananh/sla';
import { IsolatedEnv, LogCapture, eventually, isolatedEnv, testConfig } from '@test/support';
import { WorkflowAction } from '@phananh/tickets';
import { TicketsModule } from '@phananh/tickets';
import { TicketsService } from '@phananh/tickets';

/**
 * The lost-update guard, made deterministic: another transaction changes the ticket after
 * this action has read it and before its UPDATE runs. The UPDATE … WHERE version = read
 * version then matches nothing, and the action is refused without a history entry.
 */
describe('TicketsService optimistic concurrency', () => {
  let env: IsolatedEnv;
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
    env = await isolatedEnv();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ config: testConfig(env), clock: new FakeClock(), logStream: new LogCapture() }),
        SlaCoreModule,
        IdentityModule,
        TicketsModule,
      ],
    }).compile();
    app = await moduleRef.init();
    db = app.get<DataSource>(getDataSourceToken());
    tickets = app.get(TicketsService);
  });
  afterAll(async () => {
    await app?.close();
    await env?.drop();
  });

  async function insertTicket(code: string): Promise<string> {
    const pii = app.get(PiiCrypto);
    const [row] = await db.query(
      `INSERT INTO tickets (tracking_code, status, issue_type, received_at, due_at, unit_code, district_code,
         province_code, citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, updated_at)
       VALUES ($1, 'ASSIGNED', 'MISSING_DOSE', now(), now() + interval '48 hours', '00001', '001', '01', 'A',
         '1990-05-17', $2, $3, now()) RETURNING id`,
      [code, pii.encrypt('001090012345'), pii.blindIndex(code)],
    );
    return row.id;
  }

  it('refuses an action whose ticket changed between its read and its write (409, no history)', async () => {
    const id = await insertTicket('RACE-1');
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`UPDATE tickets SET status = 'DEFERRED', version = version + 1 WHERE id = $1`, [id]);
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
