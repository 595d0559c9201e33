import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { SlaSweeper } from '@phananh/sla';
import { TicketStatus } from '@phananh/ticket-store';
import {
  Official,
  TestApp,
  createTestApp,
  eventually,
  newOfficial,
  newTicket,
  startApiApp,
  unknownTrackingCode,
} from '@test/support';
import { fieldCodes, newCitizen, reportBody } from '../public/report-bodies';

/**
 * Personal assignment over HTTP (docs/api.md, "Personal assignment"): claim, assign, unassign,
 * the queue's mine/unassigned filters, reach and role attacks, optimistic concurrency, a
 * transfer clearing the assignee, a disabled official's tickets released with history, the
 * unit's automatic distribution across two API processes filing at once, and DUE_SOON going to
 * the assignee. Units: Hà Nội (01) → Ba Đình (001) → Phúc Xá (00001), Trúc Bạch (00004);
 * Hoàn Kiếm (002) → Phúc Tân (00037).
 */
describe('officials: personal assignment', () => {
  let t: TestApp;
  let clock: FakeClock;
  let officer: Official; // 00001
  let officer2: Official; // 00001
  let wardSupervisor: Official; // 00001
  let officerTrucBach: Official; // 00004
  let districtSupervisor: Official; // 001
  let otherDistrictSupervisor: Official; // 002
  let admin: Official;
  let disabledOfficer: Official; // 00001, disabled

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001', email: 'officer@example.vn' });
    officer2 = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    wardSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '00001' });
    officerTrucBach = await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
    districtSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    otherDistrictSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '002' });
    admin = await newOfficial(t, { role: Role.Admin });
    disabledOfficer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    await t.db.query(`UPDATE users SET disabled_at = $2 WHERE id = $1`, [disabledOfficer.user.id, clock.now()]);
  });
  afterAll(() => t?.close());

  // A token issued now on the FakeClock (the tests move it by hours).
  const bearer = (who: Official) => `Bearer ${t.app.get(AuthService).issue(who.user).accessToken}`;
  const get = (who: Official, path: string) => t.http.get(path).set('Authorization', bearer(who));
  const post = (who: Official, path: string, body: object = {}) =>
    t.http.post(path).set('Authorization', bearer(who)).send(body);
  const put = (who: Official, path: string, body: object) =>
    t.http.put(path).set('Authorization', bearer(who)).send(body);
  const act = (who: Official, code: string, action: string, body: object = {}) =>
    post(who, `/api/v1/tickets/${code}/${action}`, body);
  const assigneeOf = async (code: string): Promise<string | null> =>
    (await t.db.query(`SELECT assignee_id FROM tickets WHERE tracking_code = $1`, [code]))[0].assignee_id;
  const assignmentHistory = async (code: string) =>
    (await get(admin, `/api/v1/tickets/${code}`).expect(200)).body.history.filter(
      (h: { action: string }) => h.action === 'ASSIGNEE_CHANGED',
    );
  const ward = () => newTicket(t, { unitCode: '00001' });

  describe('claim', () => {
    it('lets an officer of the unit take an unassigned ticket, with history, and is idempotent for them', async () => {
      const ticket = await ward();
      const res = await act(officer, ticket.trackingCode, 'claim').expect(200);
      expect(res.body).toMatchObject({
        version: 2,
        assignee: { id: officer.user.id, username: officer.username, fullName: officer.user.fullName },
      });
      expect(await assignmentHistory(ticket.trackingCode)).toEqual([
        expect.objectContaining({
          action: 'ASSIGNEE_CHANGED',
          actor: { username: officer.username, role: 'OFFICER', unitCode: '00001' },
          fromAssignee: null,
          toAssignee: officer.username,
          fromStatus: 'ASSIGNED',
          toStatus: 'ASSIGNED',
        }),
      ]);
      // Claiming it again changes nothing: no version bump, no second entry.
      expect((await act(officer, ticket.trackingCode, 'claim').expect(200)).body.version).toBe(2);
      expect(await assignmentHistory(ticket.trackingCode)).toHaveLength(1);
      // A colleague cannot take it over by claiming.
      const taken = await act(officer2, ticket.trackingCode, 'claim').expect(409);
      expect(taken.body.type).toContain('already-assigned');
      expect(await assigneeOf(ticket.trackingCode)).toBe(officer.user.id);
    });

    it('lets a supervisor of the unit claim too, but not one of a unit above (403) nor anyone out of reach (404)', async () => {
      const ticket = await ward();
      const above = await act(districtSupervisor, ticket.trackingCode, 'claim').expect(403);
      expect(above.body.type).toContain('claim-not-own-unit');
      await act(admin, ticket.trackingCode, 'claim').expect(403);
      const outside = await act(officerTrucBach, ticket.trackingCode, 'claim').expect(404);
      const missing = await act(officerTrucBach, unknownTrackingCode(), 'claim').expect(404);
      expect(outside.body.type).toBe(missing.body.type);
      await act(otherDistrictSupervisor, ticket.trackingCode, 'claim').expect(404);
      await act(wardSupervisor, ticket.trackingCode, 'claim').expect(200);
      expect(await assigneeOf(ticket.trackingCode)).toBe(wardSupervisor.user.id);
    });

    it('refuses a stale version (409 ticket-changed) and a closed ticket (409 transition-not-allowed)', async () => {
      const ticket = await ward();
      await act(officer, ticket.trackingCode, 'start').expect(200); // version 2
      const stale = await act(officer, ticket.trackingCode, 'claim', { version: 1 }).expect(409);
      expect(stale.body.type).toContain('ticket-changed');
      expect(await assigneeOf(ticket.trackingCode)).toBeNull();
      await act(officer, ticket.trackingCode, 'claim', { version: 2 }).expect(200);
      const closed = await newTicket(t, { unitCode: '00001', status: TicketStatus.Resolved });
      const refused = await act(officer, closed.trackingCode, 'claim').expect(409);
      expect(refused.body.type).toContain('transition-not-allowed');
      const bad = await act(officer, ticket.trackingCode, 'claim', { version: 'x' }).expect(400);
      expect(fieldCodes(bad.body)[0]).toMatch(/^version:/);
    });

    it('lets exactly one of two officials claiming at once win; the other gets 409', async () => {
      const ticket = await ward();
      const results = await Promise.all([
        act(officer, ticket.trackingCode, 'claim', { version: 1 }),
        act(officer2, ticket.trackingCode, 'claim', { version: 1 }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await assignmentHistory(ticket.trackingCode)).toHaveLength(1);
    });
  });

  describe('assign and unassign', () => {
    it('lets a supervisor in reach assign, reassign and give back, each in the history', async () => {
      const ticket = await ward();
      const first = await act(districtSupervisor, ticket.trackingCode, 'assign', { assigneeId: officer.user.id });
      expect(first.status).toBe(200);
      expect(first.body.assignee.username).toBe(officer.username);
      await act(wardSupervisor, ticket.trackingCode, 'assign', { assigneeId: officer2.user.id }).expect(200);
      await act(admin, ticket.trackingCode, 'assign', { assigneeId: null }).expect(200);
      expect(await assigneeOf(ticket.trackingCode)).toBeNull();
      const history = await assignmentHistory(ticket.trackingCode);
      expect(
        history.map((h: { fromAssignee: string | null; toAssignee: string | null }) => [h.fromAssignee, h.toAssignee]),
      ).toEqual([
        [null, officer.username],
        [officer.username, officer2.username],
        [officer2.username, null],
      ]);
      expect(history.map((h: { actor: { username: string } }) => h.actor.username)).toEqual([
        districtSupervisor.username,
        wardSupervisor.username,
        admin.username,
      ]);
    });

    it('refuses an officer assigning (403), and assignees outside the unit, disabled, admins or unknown (400)', async () => {
      const ticket = await ward();
      await act(officer, ticket.trackingCode, 'assign', { assigneeId: officer.user.id }).expect(403);
      await act(officer, ticket.trackingCode, 'assign', { assigneeId: officer2.user.id }).expect(403);
      for (const who of [officerTrucBach.user.id, disabledOfficer.user.id, admin.user.id, districtSupervisor.user.id]) {
        const res = await act(districtSupervisor, ticket.trackingCode, 'assign', { assigneeId: who }).expect(400);
        expect(fieldCodes(res.body)).toEqual(['assigneeId:ASSIGNEE_NOT_IN_UNIT']);
      }
      const unknown = await act(districtSupervisor, ticket.trackingCode, 'assign', {
        assigneeId: '00000000-0000-4000-8000-000000000000',
      }).expect(400);
      expect(fieldCodes(unknown.body)).toEqual(['assigneeId:ASSIGNEE_NOT_IN_UNIT']);
      await act(districtSupervisor, ticket.trackingCode, 'assign', { assigneeId: 'not-a-uuid' }).expect(400);
      await act(districtSupervisor, ticket.trackingCode, 'assign', {}).expect(400);
      // Out of reach: not found, whatever the assignee.
      await act(otherDistrictSupervisor, ticket.trackingCode, 'assign', { assigneeId: officer.user.id }).expect(404);
      expect(await assigneeOf(ticket.trackingCode)).toBeNull();
      expect(await assignmentHistory(ticket.trackingCode)).toEqual([]);
    });

    it('refuses a stale version when assigning', async () => {
      const ticket = await ward();
      await act(officer, ticket.trackingCode, 'start').expect(200);
      const res = await act(districtSupervisor, ticket.trackingCode, 'assign', {
        assigneeId: officer.user.id,
        version: 1,
      }).expect(409);
      expect(res.body.type).toContain('ticket-changed');
    });

    it('lets the assignee or a supervisor give a ticket back, not another officer', async () => {
      const ticket = await ward();
      await act(officer, ticket.trackingCode, 'claim').expect(200);
      await act(officer2, ticket.trackingCode, 'unassign').expect(403);
      await act(officerTrucBach, ticket.trackingCode, 'unassign').expect(404);
      await act(officer, ticket.trackingCode, 'unassign').expect(200);
      expect(await assigneeOf(ticket.trackingCode)).toBeNull();
      await act(officer2, ticket.trackingCode, 'claim').expect(200);
      await act(wardSupervisor, ticket.trackingCode, 'unassign').expect(200);
      expect(await assigneeOf(ticket.trackingCode)).toBeNull();
    });

    it('lists the candidates to supervisors in reach: the active officials of the unit', async () => {
      const ticket = await ward();
      const res = await get(districtSupervisor, `/api/v1/tickets/${ticket.trackingCode}/assignees`).expect(200);
      const names = res.body.map((c: { username: string }) => c.username);
      expect(names).toEqual(expect.arrayContaining([officer.username, officer2.username, wardSupervisor.username]));
      expect(names).not.toContain(disabledOfficer.username);
      expect(names).not.toContain(officerTrucBach.username);
      await get(officer, `/api/v1/tickets/${ticket.trackingCode}/assignees`).expect(403);
      await get(otherDistrictSupervisor, `/api/v1/tickets/${ticket.trackingCode}/assignees`).expect(404);
    });

    it('clears the assignee when the ticket is transferred to another unit, with history', async () => {
      const ticket = await ward();
      await act(officer, ticket.trackingCode, 'claim').expect(200);
      const res = await act(officer, ticket.trackingCode, 'transfer', { unitCode: '00004', reason: 'Sai phường' });
      expect(res.status).toBe(200);
      expect(res.body.assignee).toBeNull();
      expect(await assigneeOf(ticket.trackingCode)).toBeNull();
      expect(
        (await assignmentHistory(ticket.trackingCode)).map((h: { toAssignee: string | null }) => h.toAssignee),
      ).toEqual([officer.username, null]);
    });
  });

  describe('the queue filters', () => {
    it('serves "mine" and "unassigned", and refuses another value', async () => {
      await t.db.query(`TRUNCATE tickets CASCADE`);
      const base = clock.now().getTime();
      const mine = await newTicket(t, { unitCode: '00001', dueAt: new Date(base + 5 * HOUR_MS) });
      const theirs = await newTicket(t, { unitCode: '00001', dueAt: new Date(base + 6 * HOUR_MS) });
      const nobodys = await newTicket(t, { unitCode: '00001', dueAt: new Date(base + 7 * HOUR_MS) });
      const trucBach = await newTicket(t, { unitCode: '00004', dueAt: new Date(base + 8 * HOUR_MS) });
      await act(officer, mine.trackingCode, 'claim').expect(200);
      await act(officer2, theirs.trackingCode, 'claim').expect(200);
      const codes = async (who: Official, query: string) =>
        (await get(who, `/api/v1/tickets?${query}`).expect(200)).body.items.map(
          (i: { trackingCode: string }) => i.trackingCode,
        );
      expect(await codes(officer, 'assignee=mine')).toEqual([mine.trackingCode]);
      expect(await codes(officer2, 'assignee=mine')).toEqual([theirs.trackingCode]);
      expect(await codes(officer, 'assignee=unassigned')).toEqual([nobodys.trackingCode]);
      expect(await codes(districtSupervisor, 'assignee=unassigned')).toEqual([
        nobodys.trackingCode,
        trucBach.trackingCode,
      ]);
      expect(await codes(districtSupervisor, 'assignee=mine')).toEqual([]);
      const page = (await get(officer, '/api/v1/tickets').expect(200)).body.items;
      expect(page.map((i: { assignee: { username: string } | null }) => i.assignee?.username ?? null)).toEqual([
        officer.username,
        officer2.username,
        null,
      ]);
      await get(officer, '/api/v1/tickets?assignee=everyone').expect(400);
    });
  });

  describe('a disabled official', () => {
    it('gives their open tickets back to the unit, with history; closed ones keep their name', async () => {
      const leaving = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
      const open1 = await ward();
      const open2 = await ward();
      const done = await ward();
      for (const x of [open1, open2, done]) await act(leaving, x.trackingCode, 'claim').expect(200);
      await act(leaving, done.trackingCode, 'resolve', { resolution: 'Đã cập nhật' }).expect(200);
      await post(admin, `/api/v1/admin/users/${leaving.user.id}/disable`).expect(200);
      expect(await assigneeOf(open1.trackingCode)).toBeNull();
      expect(await assigneeOf(open2.trackingCode)).toBeNull();
      expect(await assigneeOf(done.trackingCode)).toBe(leaving.user.id);
      const [released] = (await assignmentHistory(open1.trackingCode)).slice(-1);
      expect(released).toMatchObject({
        actor: null,
        fromAssignee: leaving.username,
        toAssignee: null,
        note: 'ACCOUNT_DISABLED',
      });
      const [{ version }] = await t.db.query(`SELECT version FROM tickets WHERE id = $1`, [open1.id]);
      expect(version).toBe(3); // filed 1, claimed 2, released 3
      // Reopened, the resolved one goes to the unit too, not back to the disabled account.
      const reopened = await act(wardSupervisor, done.trackingCode, 'reopen', { reason: 'Xem lại' }).expect(200);
      expect(reopened.body.assignee).toBeNull();
      const [last] = (await assignmentHistory(done.trackingCode)).slice(-1);
      expect(last).toMatchObject({
        actor: { username: wardSupervisor.username },
        fromAssignee: leaving.username,
        toAssignee: null,
      });
    });
  });

  describe('automatic distribution', () => {
    it('is switched by a supervisor in reach only', async () => {
      await put(officer, '/api/v1/units/00001/distribution', { enabled: true }).expect(403);
      await put(otherDistrictSupervisor, '/api/v1/units/00001/distribution', { enabled: true }).expect(404);
      await put(districtSupervisor, '/api/v1/units/99999/distribution', { enabled: true }).expect(404);
      await put(districtSupervisor, '/api/v1/units/00001/distribution', { enabled: 'yes' }).expect(400);
      expect((await get(wardSupervisor, '/api/v1/units/00001/distribution').expect(200)).body).toMatchObject({
        unitCode: '00001',
        enabled: false,
      });
    });

    it('hands tickets filed through two API processes at once round robin to the active officers', async () => {
      const [{ n: officers }] = await t.db.query(
        `SELECT count(*)::int AS n FROM users WHERE unit_code = '00001' AND role = 'OFFICER' AND disabled_at IS NULL`,
      );
      const on = await put(districtSupervisor, '/api/v1/units/00001/distribution', { enabled: true }).expect(200);
      expect(on.body).toEqual({ unitCode: '00001', enabled: true, activeOfficers: officers });
      const second: INestApplication = await startApiApp({ config: t.config, clock, logStream: t.logs });
      try {
        const perOfficer = 4;
        const total = officers * perOfficer;
        const servers = [t.http, request(second.getHttpServer())];
        const filed = await Promise.all(
          Array.from({ length: total }, (_, i) =>
            servers[i % 2].post('/api/v1/reports').send(reportBody(newCitizen(), '00001')),
          ),
        );
        expect(filed.map((r) => r.status)).toEqual(Array(total).fill(201));
        const codes = filed.map((r) => r.body.trackingCode);
        const rows: { assignee_id: string | null; unit_code: string }[] = await t.db.query(
          `SELECT assignee_id, unit_code FROM tickets WHERE tracking_code = ANY ($1::text[])`,
          [codes],
        );
        expect(rows.every((r) => r.unit_code === '00001')).toBe(true);
        const counts = new Map<string, number>();
        for (const r of rows) counts.set(String(r.assignee_id), (counts.get(String(r.assignee_id)) ?? 0) + 1);
        // Round robin: every active officer got exactly the same number, nobody else got any.
        expect([...counts.values()]).toEqual(Array(officers).fill(perOfficer));
        expect(counts.has(disabledOfficer.user.id)).toBe(false);
        expect(counts.has(wardSupervisor.user.id)).toBe(false);
        const [events] = await t.db.query(
          `SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
           WHERE t.tracking_code = ANY ($1::text[]) AND e.action = 'ASSIGNEE_CHANGED' AND e.note = 'AUTO_DISTRIBUTION'
             AND e.actor_user_id IS NULL AND e.to_assignee_id = t.assignee_id`,
          [codes],
        );
        expect(events.n).toBe(total);
        const [{ next_seq }] = await t.db.query(`SELECT next_seq FROM unit_distribution WHERE unit_code = '00001'`);
        expect(Number(next_seq)).toBe(total);
      } finally {
        await second.close();
      }
    });

    it('hands out a ticket transferred into the unit, and stops when switched off', async () => {
      const incoming = await newTicket(t, { unitCode: '00004' });
      const res = await act(districtSupervisor, incoming.trackingCode, 'transfer', {
        unitCode: '00001',
        reason: 'Đúng phường',
      });
      expect(res.status).toBe(200);
      expect(res.body.assignee).not.toBeNull();
      await put(wardSupervisor, '/api/v1/units/00001/distribution', { enabled: false }).expect(200);
      const filed = await t.http.post('/api/v1/reports').send(reportBody(newCitizen(), '00001')).expect(201);
      expect(await assigneeOf(filed.body.trackingCode)).toBeNull();
    });
  });

  describe('DUE_SOON', () => {
    it('goes to the assignee when there is one, else to the unit’s officers', async () => {
      await t.db.query(`TRUNCATE tickets CASCADE`);
      const receivedAt = new Date('2021-11-03T08:00:00+07:00');
      const assigned = await newTicket(t, { unitCode: '00001', receivedAt });
      const unassigned = await newTicket(t, { unitCode: '00001', receivedAt });
      await act(officer2, assigned.trackingCode, 'claim').expect(200);
      clock.set('2021-11-04T20:00:00+07:00'); // 12 hours before the 48-hour deadline
      await t.app.get(SlaSweeper).sweep();
      const recipients = async (ticketId: string) =>
        (
          await t.db.query(
            `SELECT u.username FROM alerts a JOIN alert_events e ON e.id = a.event_id JOIN users u ON u.id = a.recipient_id
             WHERE e.ticket_id = $1 AND e.kind = 'DUE_SOON' ORDER BY u.username`,
            [ticketId],
          )
        ).map((r: { username: string }) => r.username);
      await eventually(async () => (await recipients(unassigned.id)).length > 0);
      expect(await recipients(assigned.id)).toEqual([officer2.username]);
      const activeOfficers = (
        await t.db.query(
          `SELECT username FROM users WHERE unit_code = '00001' AND role = 'OFFICER' AND disabled_at IS NULL ORDER BY username`,
        )
      ).map((r: { username: string }) => r.username);
      expect(await recipients(unassigned.id)).toEqual(activeOfficers);
      expect(activeOfficers.length).toBeGreaterThan(1);
    });
  });
});
