import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { TicketStatus } from '@phananh/ticket-store';
import {
  Official,
  TestApp,
  binaryBody,
  createTestApp,
  newAttachment,
  newOfficial,
  newTicket,
  unknownTrackingCode,
} from '@test/support';

/**
 * The officials' queue and workflow over HTTP (docs/api.md, "Officials"). Units: Hà Nội (01) →
 * Ba Đình (001) → Phúc Xá (00001), Trúc Bạch (00004); Hoàn Kiếm (002) → Phúc Tân (00037);
 * and Hồ Chí Minh City (79) → Quận 1 (760) → Tân Định (26734).
 */
describe('officials: queue and workflow', () => {
  let t: TestApp;
  let clock: FakeClock;
  let officer: Official; // 00001
  let officerTrucBach: Official; // 00004
  let officerPhucTan: Official; // 00037, another district
  let districtSupervisor: Official; // 001
  let otherDistrictSupervisor: Official; // 002
  let provinceSupervisor: Official; // 01
  let admin: Official;

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock, worker: false });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    officerTrucBach = await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
    officerPhucTan = await newOfficial(t, { role: Role.Officer, unitCode: '00037' });
    districtSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    otherDistrictSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '002' });
    provinceSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '01' });
    admin = await newOfficial(t, { role: Role.Admin });
  });
  afterAll(() => t.close());

  // A token issued now on the FakeClock, which these tests move by days (expiry is tested in auth.e2e-spec).
  const bearer = (who: Official) => `Bearer ${t.app.get(AuthService).issue(who.user).accessToken}`;
  const get = (who: Official, path: string) => t.http.get(path).set('Authorization', bearer(who));
  const post = (who: Official, path: string, body?: object) =>
    t.http
      .post(path)
      .set('Authorization', bearer(who))
      .send(body ?? {});
  const act = (who: Official, code: string, action: string, body?: object) =>
    post(who, `/api/v1/tickets/${code}/${action}`, body);
  const codes = (res: { body: { items: { trackingCode: string }[] } }) => res.body.items.map((i) => i.trackingCode);
  const dbTicket = async (code: string) =>
    (await t.db.query(`SELECT * FROM tickets WHERE tracking_code = $1`, [code]))[0];

  describe('the queue', () => {
    let q: Record<string, string>;
    beforeAll(async () => {
      await t.db.query(`TRUNCATE tickets CASCADE`);
      const base = clock.now().getTime();
      const at = (h: number) => new Date(base + h * HOUR_MS);
      q = {
        phucXaLate: (await newTicket(t, { unitCode: '00001', dueAt: at(30) })).trackingCode,
        phucXaSoon: (await newTicket(t, { unitCode: '00001', dueAt: at(5) })).trackingCode,
        phucXaResolved: (await newTicket(t, { unitCode: '00001', dueAt: at(1), status: TicketStatus.Resolved }))
          .trackingCode,
        trucBach: (await newTicket(t, { unitCode: '00004', dueAt: at(10) })).trackingCode,
        baDinhCentre: (await newTicket(t, { unitCode: '001', dueAt: at(20) })).trackingCode,
        phucTan: (await newTicket(t, { unitCode: '00037', dueAt: at(15), issueType: 'OTHER' as never })).trackingCode,
        hanoi: (await newTicket(t, { unitCode: '01', dueAt: at(40) })).trackingCode,
        tanDinh: (await newTicket(t, { unitCode: '26734', dueAt: at(2), campaignCode: null })).trackingCode,
        overdue: (await newTicket(t, { unitCode: '00004', dueAt: at(-3), receivedAt: at(-51) })).trackingCode,
      };
    });

    it('shows an officer the open tickets of the own unit, most urgent first, masked', async () => {
      const res = await get(officer, '/api/v1/tickets').expect(200);
      expect(codes(res)).toEqual([q.phucXaSoon, q.phucXaLate]);
      expect(res.body.nextCursor).toBeNull();
      const item = res.body.items[0];
      expect(item).toMatchObject({
        status: 'ASSIGNED',
        issueType: 'MISSING_DOSE',
        campaign: '2021-11',
        overdueSince: null,
        cutoffMissed: false,
        assignedUnit: { code: '00001', name: 'Trạm Y tế Phường Phúc Xá', level: 'ward' },
        citizen: { fullName: 'Nguyễn Văn An', dateOfBirth: '1990', phone: '09123**678' },
        dose: { doseNumber: 2, vaccineCode: 'COMIRNATY', vaccinatedOn: '2021-10-20' },
        version: 1,
      });
      expect(item.citizen.citizenId).toMatch(/^001\*{6}\d{3}$/);
      expect(item.dueAt).toMatch(/\+07:00$/);
      expect(item.history).toBeUndefined();
      expect(item.attachments).toBeUndefined();
    });

    it('shows a district supervisor the district, a province supervisor the province, an admin everything', async () => {
      expect(codes(await get(districtSupervisor, '/api/v1/tickets').expect(200))).toEqual([
        q.overdue,
        q.phucXaSoon,
        q.trucBach,
        q.baDinhCentre,
        q.phucXaLate,
      ]);
      expect(codes(await get(provinceSupervisor, '/api/v1/tickets').expect(200))).toEqual([
        q.overdue,
        q.phucXaSoon,
        q.trucBach,
        q.phucTan,
        q.baDinhCentre,
        q.phucXaLate,
        q.hanoi,
      ]);
      expect(codes(await get(admin, '/api/v1/tickets').expect(200))).toEqual([
        q.overdue,
        q.tanDinh,
        q.phucXaSoon,
        q.trucBach,
        q.phucTan,
        q.baDinhCentre,
        q.phucXaLate,
        q.hanoi,
      ]);
    });

    it('filters by status, overdue, campaign, issue type and unit (within reach only)', async () => {
      expect(codes(await get(officer, '/api/v1/tickets?status=RESOLVED').expect(200))).toEqual([q.phucXaResolved]);
      expect(codes(await get(districtSupervisor, '/api/v1/tickets?overdue=true').expect(200))).toEqual([q.overdue]);
      expect(codes(await get(admin, '/api/v1/tickets?campaign=2021-11&limit=100').expect(200))).not.toContain(
        q.tanDinh,
      );
      expect(codes(await get(provinceSupervisor, '/api/v1/tickets?issueType=OTHER').expect(200))).toEqual([q.phucTan]);
      expect(codes(await get(districtSupervisor, '/api/v1/tickets?unitCode=00004').expect(200))).toEqual([
        q.overdue,
        q.trucBach,
      ]);
      expect(codes(await get(provinceSupervisor, '/api/v1/tickets?unitCode=002').expect(200))).toEqual([q.phucTan]);
      // Outside the reach: an empty page, saying nothing about that unit.
      expect((await get(districtSupervisor, '/api/v1/tickets?unitCode=00037').expect(200)).body).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(codes(await get(officer, '/api/v1/tickets?unitCode=00004').expect(200))).toEqual([]);
      // A wider unit than the reach narrows to the reach.
      expect(codes(await get(officer, '/api/v1/tickets?unitCode=01').expect(200))).toEqual([
        q.phucXaSoon,
        q.phucXaLate,
      ]);
    });

    it('pages with an opaque cursor that stays stable while new tickets arrive', async () => {
      const first = await get(provinceSupervisor, '/api/v1/tickets?limit=3').expect(200);
      expect(codes(first)).toEqual([q.overdue, q.phucXaSoon, q.trucBach]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      // A new, more urgent ticket arrives: it does not shift the pages that follow.
      const urgent = await newTicket(t, { unitCode: '00001', dueAt: new Date(clock.now().getTime() + HOUR_MS) });
      const second = await get(provinceSupervisor, `/api/v1/tickets?limit=3&cursor=${first.body.nextCursor}`).expect(
        200,
      );
      expect(codes(second)).toEqual([q.phucTan, q.baDinhCentre, q.phucXaLate]);
      const third = await get(provinceSupervisor, `/api/v1/tickets?limit=3&cursor=${second.body.nextCursor}`).expect(
        200,
      );
      expect(codes(third)).toEqual([q.hanoi]);
      expect(third.body.nextCursor).toBeNull();
      expect(codes(await get(provinceSupervisor, '/api/v1/tickets?limit=1').expect(200))).toEqual([q.overdue]);
      await t.db.query(`DELETE FROM tickets WHERE id = $1`, [urgent.id]);
    });

    it('refuses a limit outside 1..100 and a forged cursor with 400', async () => {
      for (const bad of ['0', '101', 'abc', '-1', '1.5']) {
        const res = await get(officer, `/api/v1/tickets?limit=${bad}`).expect(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
      }
      const res = await get(officer, '/api/v1/tickets?cursor=not-a-cursor').expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cursor', code: 'CURSOR_INVALID' })]);
      await get(officer, '/api/v1/tickets?status=OVERDUE').expect(400);
      await get(officer, '/api/v1/tickets?foo=1').expect(400);
    });

    it('needs a login', async () => {
      await t.http.get('/api/v1/tickets').expect(401);
    });
  });

  describe('one ticket', () => {
    it('shows the whole ticket with the full identity number, and records that view', async () => {
      const ticket = await newTicket(t, { unitCode: '00001', citizenId: '001090054321', phone: '0987654321' });
      const res = await get(officer, `/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      expect(res.body).toMatchObject({
        trackingCode: ticket.trackingCode,
        citizen: { citizenId: '001090054321', phone: '0987654321' },
        attachments: [],
      });
      expect(res.body.history.map((h: { action: string }) => h.action)).toEqual(['FILED', 'IDENTITY_VIEWED']);
      expect(res.body.history[1]).toMatchObject({
        actor: { username: officer.username, role: 'OFFICER', unitCode: '00001' },
        at: '2021-11-03T08:00:00.000+07:00',
      });
      const [viewed] = await t.db.query(
        `SELECT is_public, actor_user_id FROM ticket_events WHERE ticket_id = $1 AND action = 'IDENTITY_VIEWED'`,
        [ticket.id],
      );
      expect(viewed).toEqual({ is_public: false, actor_user_id: officer.user.id });
      expect(t.logs.text()).not.toContain('001090054321');
      expect(t.logs.text()).not.toContain('0987654321');
    });

    it('lists the attachments and serves each file inline, only to officials in reach', async () => {
      const ticket = await newTicket(t, { unitCode: '00001' });
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('not really an image')]);
      const file = await newAttachment(t, ticket, png, 'image/png');
      const detail = await get(officer, `/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      expect(detail.body.attachments).toEqual([
        { id: file.id, contentType: 'image/png', size: png.length, fromTrackingCode: null },
      ]);
      const res = await get(officer, `/api/v1/tickets/${ticket.trackingCode}/attachments/${file.id}`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['content-disposition']).toBe('inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(res.body as Buffer, png)).toBe(0);
      const outside = await get(officerPhucTan, `/api/v1/tickets/${ticket.trackingCode}/attachments/${file.id}`);
      const missing = await get(officer, `/api/v1/tickets/${ticket.trackingCode}/attachments/${unknownTrackingCode()}`);
      expect(outside.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(outside.body).toEqual(missing.body);
      const other = await newTicket(t, { unitCode: '00001' });
      await get(officer, `/api/v1/tickets/${other.trackingCode}/attachments/${file.id}`).expect(404);
    });

    it('answers a ticket outside the reach exactly like one that does not exist', async () => {
      const ticket = await newTicket(t, { unitCode: '00037' });
      const outside = await get(officer, `/api/v1/tickets/${ticket.trackingCode}`).expect(404);
      const missing = await get(officer, `/api/v1/tickets/${unknownTrackingCode()}`).expect(404);
      expect(outside.body).toEqual(missing.body);
      await get(districtSupervisor, `/api/v1/tickets/${ticket.trackingCode}`).expect(404);
      await get(officerTrucBach, `/api/v1/tickets/${ticket.trackingCode}`).expect(404);
      await get(otherDistrictSupervisor, `/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      await get(officerPhucTan, `/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      const events = await t.db.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [ticket.id]);
      expect(events[0].n).toBe(3); // FILED and the two views in reach; the refused ones left no trace
    });
  });

  describe('the workflow', () => {
    afterEach(() => clock.set('2021-11-03T08:00:00+07:00'));
    const history = (res: { body: { history: { action: string }[] } }) => res.body.history.map((h) => h.action);

    it('start: ASSIGNED → IN_PROGRESS, once', async () => {
      const { trackingCode: code } = await newTicket(t);
      const res = await act(officer, code, 'start').expect(200);
      expect(res.body).toMatchObject({ status: 'IN_PROGRESS', version: 2 });
      expect(res.body.citizen.citizenId).toMatch(/\*/);
      expect(res.body.history[1]).toMatchObject({
        action: 'STARTED',
        fromStatus: 'ASSIGNED',
        toStatus: 'IN_PROGRESS',
        actor: { username: officer.username, role: 'OFFICER', unitCode: '00001' },
      });
      const again = await act(officer, code, 'start').expect(409);
      expect(again.body.type).toBe('urn:phananh:problem:transition-not-allowed');
    });

    it('resolve: closes the ticket and takes it off the SLA ladder', async () => {
      const { trackingCode: code } = await newTicket(t);
      await act(officer, code, 'resolve', {}).expect(400);
      clock.advance(HOUR_MS);
      const res = await act(officer, code, 'resolve', { resolution: 'Đã bổ sung mũi 2' }).expect(200);
      expect(res.body.status).toBe('RESOLVED');
      expect(res.body.history.at(-1)).toMatchObject({ action: 'RESOLVED', note: 'Đã bổ sung mũi 2' });
      const row = await dbTicket(code);
      expect(row).toMatchObject({ status: 'RESOLVED', resolution: 'Đã bổ sung mũi 2', sla_next_at: null });
      expect(row.closed_at.toISOString()).toBe(clock.now().toISOString());
      for (const action of ['start', 'resolve', 'defer', 'reject', 'transfer']) {
        await act(officer, code, action, {
          resolution: 'x',
          reason: 'x',
          reasonCode: 'NAME_MISMATCH',
          unitCode: '00004',
        }).expect((r) => expect([400, 409]).toContain(r.status));
      }
      await act(officer, code, 'start').expect(409);
      await act(officer, code, 'resolve', { resolution: 'again' }).expect(409);
      await act(officer, code, 'defer', { reason: 'x' }).expect(409);
      await act(officer, code, 'reject', { reasonCode: 'NAME_MISMATCH' }).expect(409);
      await act(officer, code, 'transfer', { unitCode: '00004', reason: 'x' }).expect(409);
    });

    it('defer: still open, the deadline keeps running; start works from DEFERRED', async () => {
      const ticket = await newTicket(t);
      const res = await act(officer, ticket.trackingCode, 'defer', { reason: 'Cần đối chiếu sổ tiêm' }).expect(200);
      expect(res.body).toMatchObject({ status: 'DEFERRED', dueAt: (await dbDue(ticket.trackingCode)).iso });
      expect((await dbTicket(ticket.trackingCode)).due_at.getTime()).toBe(ticket.dueAt.getTime());
      await act(officer, ticket.trackingCode, 'defer', { reason: 'Vẫn chờ' }).expect(200);
      const started = await act(officer, ticket.trackingCode, 'start').expect(200);
      expect(history(started)).toEqual(['FILED', 'DEFERRED', 'DEFERRED', 'STARTED']);
      expect(codes(await get(officer, '/api/v1/tickets?status=IN_PROGRESS&limit=100').expect(200))).toContain(
        ticket.trackingCode,
      );
    });

    it('reject: a standard reason; OTHER needs a note; the reason is kept for the citizen', async () => {
      const { trackingCode: code } = await newTicket(t);
      const bad = await act(officer, code, 'reject', { reasonCode: 'NOT_A_REASON' }).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'reasonCode' })]);
      const other = await act(officer, code, 'reject', { reasonCode: 'OTHER', note: '  ' }).expect(400);
      expect(other.body.errors).toEqual([expect.objectContaining({ field: 'note', code: 'NOTE_REQUIRED' })]);
      const res = await act(officer, code, 'reject', { reasonCode: 'OTHER', note: 'Ảnh không phải phiếu tiêm' }).expect(
        200,
      );
      expect(res.body.status).toBe('REJECTED');
      expect(res.body.history.at(-1)).toMatchObject({ action: 'REJECTED', note: 'OTHER: Ảnh không phải phiếu tiêm' });
      expect(await dbTicket(code)).toMatchObject({
        rejection_reason_code: 'OTHER',
        rejection_note: 'Ảnh không phải phiếu tiêm',
        sla_next_at: null,
      });
      const { trackingCode: code2 } = await newTicket(t);
      await act(officer, code2, 'reject', { reasonCode: 'PHOTO_UNREADABLE' }).expect(200);
    });

    it('transfer: to another unit of the province as ASSIGNED, deadline unchanged, both units in the history', async () => {
      const ticket = await newTicket(t, { unitCode: '00001' });
      await act(officer, ticket.trackingCode, 'start').expect(200);
      for (const [unitCode, code] of [
        ['26734', 'TRANSFER_OUTSIDE_PROVINCE'],
        ['00001', 'TRANSFER_SAME_UNIT'],
        ['99999', 'UNIT_UNKNOWN'],
      ]) {
        const res = await act(officer, ticket.trackingCode, 'transfer', { unitCode, reason: 'Sai nơi' }).expect(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'unitCode', code })]);
      }
      const res = await act(officer, ticket.trackingCode, 'transfer', {
        unitCode: '00037',
        reason: 'Tiêm tại phường Phúc Tân',
      }).expect(200);
      expect(res.body).toMatchObject({
        status: 'ASSIGNED',
        assignedUnit: { code: '00037', level: 'ward' },
        dueAt: (await dbDue(ticket.trackingCode)).iso,
      });
      expect(res.body.history.at(-1)).toMatchObject({
        action: 'TRANSFERRED',
        fromStatus: 'IN_PROGRESS',
        toStatus: 'ASSIGNED',
        fromUnitCode: '00001',
        toUnitCode: '00037',
        note: 'Tiêm tại phường Phúc Tân',
      });
      expect((await dbTicket(ticket.trackingCode)).due_at.getTime()).toBe(ticket.dueAt.getTime());
      expect(await dbTicket(ticket.trackingCode)).toMatchObject({
        unit_code: '00037',
        district_code: '002',
        province_code: '01',
      });
      // It left the officer's reach and entered the other unit's.
      await get(officer, `/api/v1/tickets/${ticket.trackingCode}`).expect(404);
      await get(officerPhucTan, `/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      // An admin may send it anywhere.
      await act(admin, ticket.trackingCode, 'transfer', { unitCode: '26734', reason: 'Tiêm ở TP.HCM' }).expect(200);
      expect(await dbTicket(ticket.trackingCode)).toMatchObject({ unit_code: '26734', province_code: '79' });
    });

    it('comments: an internal note, the ticket itself unchanged', async () => {
      const { trackingCode: code } = await newTicket(t);
      await act(officer, code, 'comments', {}).expect(400);
      const res = await act(officer, code, 'comments', { text: 'Đã gọi cho người dân' }).expect(200);
      expect(res.body).toMatchObject({ status: 'ASSIGNED', version: 1 });
      expect(res.body.history.at(-1)).toMatchObject({ action: 'COMMENTED', note: 'Đã gọi cho người dân' });
    });

    it('reopen: supervisors only, from RESOLVED or REJECTED, with a new deadline capped by the cutoff', async () => {
      clock.set('2021-11-05T10:00:00+07:00');
      const ticket = await newTicket(t, { unitCode: '00001' });
      await act(districtSupervisor, ticket.trackingCode, 'reopen', { reason: 'x' }).expect(409);
      await act(officer, ticket.trackingCode, 'resolve', { resolution: 'Đã sửa' }).expect(200);
      await act(officer, ticket.trackingCode, 'reopen', { reason: 'Chưa sửa đúng' }).expect(403);
      await act(districtSupervisor, ticket.trackingCode, 'reopen', {}).expect(400);
      clock.set('2021-11-06T09:00:00+07:00');
      const res = await act(districtSupervisor, ticket.trackingCode, 'reopen', { reason: 'Chưa sửa đúng' }).expect(200);
      expect(res.body).toMatchObject({
        status: 'ASSIGNED',
        dueAt: '2021-11-08T09:00:00.000+07:00',
        overdueSince: null,
      });
      expect(res.body.history.at(-1)).toMatchObject({
        action: 'REOPENED',
        fromStatus: 'RESOLVED',
        toStatus: 'ASSIGNED',
        actor: { role: 'SUPERVISOR', unitCode: '001' },
      });
      const row = await dbTicket(ticket.trackingCode);
      expect(row).toMatchObject({ closed_at: null, resolution: null, sla_stage: 0 });
      expect(row.sla_next_at.toISOString()).toBe(new Date('2021-11-07T21:00:00+07:00').toISOString());

      // Near the cutoff: 48 hours would pass it, so the cutoff is the deadline.
      clock.set('2021-11-11T12:00:00+07:00');
      await act(officer, ticket.trackingCode, 'reject', { reasonCode: 'DOB_MISMATCH' }).expect(200);
      const capped = await act(provinceSupervisor, ticket.trackingCode, 'reopen', { reason: 'Xem lại' }).expect(200);
      expect(capped.body.dueAt).toBe('2021-11-13T00:00:00.000+07:00');
      expect(await dbTicket(ticket.trackingCode)).toMatchObject({ rejection_reason_code: null });

      // Past the cutoff: the new deadline has already passed, so the ticket is overdue at once.
      clock.set('2021-11-14T08:00:00+07:00');
      await act(officer, ticket.trackingCode, 'resolve', { resolution: 'Đã sửa' }).expect(200);
      const late = await act(admin, ticket.trackingCode, 'reopen', { reason: 'Xem lại lần nữa' }).expect(200);
      expect(late.body.dueAt).toBe('2021-11-13T00:00:00.000+07:00');
      const lateRow = await dbTicket(ticket.trackingCode);
      expect(lateRow.sla_next_at.getTime()).toBeLessThanOrEqual(clock.now().getTime());
      expect(codes(await get(officer, '/api/v1/tickets?overdue=true&limit=100').expect(200))).toContain(
        ticket.trackingCode,
      );
    });

    it('keeps a public flag on the entries the citizen sees', async () => {
      const { trackingCode: code, id } = await newTicket(t);
      await get(officer, `/api/v1/tickets/${code}`).expect(200);
      await act(officer, code, 'comments', { text: 'nội bộ' }).expect(200);
      await act(officer, code, 'start').expect(200);
      await act(officer, code, 'defer', { reason: 'chờ' }).expect(200);
      await act(officer, code, 'transfer', { unitCode: '00004', reason: 'sai nơi' }).expect(200);
      await act(officerTrucBach, code, 'reject', { reasonCode: 'NAME_MISMATCH' }).expect(200);
      await act(districtSupervisor, code, 'reopen', { reason: 'xem lại' }).expect(200);
      await act(officerTrucBach, code, 'resolve', { resolution: 'đã sửa' }).expect(200);
      const rows = await t.db.query(`SELECT action, is_public FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [
        id,
      ]);
      expect(rows.map((r: { action: string; is_public: boolean }) => `${r.action}:${r.is_public}`)).toEqual([
        'FILED:true',
        'IDENTITY_VIEWED:false',
        'COMMENTED:false',
        'STARTED:false',
        'DEFERRED:false',
        'TRANSFERRED:true',
        'REJECTED:true',
        'REOPENED:false',
        'RESOLVED:true',
      ]);
    });

    it('of two officials starting the same ticket at once, exactly one wins', async () => {
      for (let round = 0; round < 5; round++) {
        const ticket = await newTicket(t, { unitCode: '00001' });
        const results = await Promise.all([
          act(officer, ticket.trackingCode, 'start'),
          act(districtSupervisor, ticket.trackingCode, 'start'),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const events = await t.db.query(
          `SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND action = 'STARTED'`,
          [ticket.id],
        );
        expect(events[0].n).toBe(1);
        expect((await dbTicket(ticket.trackingCode)).version).toBe(2);
      }
    });

    it('two different actions at once: one wins, the other is refused, the history shows one', async () => {
      const ticket = await newTicket(t, { unitCode: '00001' });
      const results = await Promise.all([
        act(officer, ticket.trackingCode, 'resolve', { resolution: 'A' }),
        act(districtSupervisor, ticket.trackingCode, 'reject', { reasonCode: 'NAME_MISMATCH' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const events = await t.db.query(
        `SELECT action FROM ticket_events WHERE ticket_id = $1 AND action IN ('RESOLVED', 'REJECTED')`,
        [ticket.id],
      );
      expect(events).toHaveLength(1);
    });

    it('refuses every action on a ticket outside the reach with 404', async () => {
      const ticket = await newTicket(t, { unitCode: '00037', status: TicketStatus.Assigned });
      const bodies: Record<string, object> = {
        start: {},
        resolve: { resolution: 'x' },
        defer: { reason: 'x' },
        reject: { reasonCode: 'NAME_MISMATCH' },
        transfer: { unitCode: '00004', reason: 'x' },
        comments: { text: 'x' },
      };
      for (const who of [officer, officerTrucBach, districtSupervisor]) {
        for (const [action, body] of Object.entries(bodies)) {
          const res = await act(who, ticket.trackingCode, action, body);
          expect(`${action}:${res.status}`).toBe(`${action}:404`);
        }
      }
      await act(districtSupervisor, ticket.trackingCode, 'reopen', { reason: 'x' }).expect(404);
      expect(await dbTicket(ticket.trackingCode)).toMatchObject({ status: 'ASSIGNED', version: 1 });
    });
  });

  it('lists the rejection reasons, in Vietnamese or English, publicly', async () => {
    const vi = await t.http.get('/api/v1/reference/rejection-reasons').expect(200);
    expect(vi.body).toContainEqual(
      expect.objectContaining({ code: 'NAME_MISMATCH', text: 'Họ tên không khớp', requiresNote: false }),
    );
    expect(vi.body.at(-1)).toMatchObject({ code: 'OTHER', text: 'Lý do khác', requiresNote: true, defaultNote: null });
    const en = await t.http.get('/api/v1/reference/rejection-reasons').set('Accept-Language', 'en').expect(200);
    expect(en.body).toContainEqual(
      expect.objectContaining({ code: 'NAME_MISMATCH', text: 'The name does not match', requiresNote: false }),
    );
    expect(en.body).toHaveLength(10);
  });

  async function dbDue(code: string): Promise<{ iso: string }> {
    const row = await dbTicket(code);
    const local = new Date(row.due_at.getTime() + 7 * HOUR_MS).toISOString();
    return { iso: `${local.slice(0, 23)}+07:00` };
  }
});
