import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { REJECTION_REASONS, rejectionReason } from '@phananh/tickets';
import { TicketStatus } from '@phananh/ticket-store';
import { Official, TestApp, createTestApp, newOfficial, newTicket, unknownTrackingCode } from '@test/support';

/**
 * Bulk actions and reply templates over HTTP (docs/api.md, "Bulk actions", "Reply templates").
 * Units: Hà Nội (01) → Ba Đình (001) → Phúc Xá (00001), Trúc Bạch (00004); Hoàn Kiếm (002) → Phúc Tân (00037).
 */
describe('officials: bulk actions and reply templates', () => {
  let t: TestApp;
  let officer: Official; // 00001
  let otherOfficer: Official; // 00001 too: "someone else"
  let phucTanOfficer: Official; // 00037
  let supervisor: Official; // 001
  let otherSupervisor: Official; // 002
  let admin: Official;

  beforeAll(async () => {
    t = await createTestApp({ clock: new FakeClock('2021-11-03T08:00:00+07:00'), worker: false });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    otherOfficer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    phucTanOfficer = await newOfficial(t, { role: Role.Officer, unitCode: '00037' });
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    otherSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '002' });
    admin = await newOfficial(t, { role: Role.Admin });
  });
  afterAll(() => t.close());

  const post = (who: Official, path: string, body: object, lang?: string) => {
    const req = t.http.post(path).set('Authorization', who.bearer);
    return (lang ? req.set('Accept-Language', lang) : req).send(body);
  };
  const bulk = (who: Official, body: object, lang?: string) => post(who, '/api/v1/tickets/bulk', body, lang);
  const item = (ticket: { trackingCode: string }, version = 1) => ({ trackingCode: ticket.trackingCode, version });
  const row = async (code: string) =>
    (
      await t.db.query(`SELECT status, version, rejection_note, resolution FROM tickets WHERE tracking_code = $1`, [
        code,
      ])
    )[0];
  /** A ticket's history as the ticket page shows it (without the view's own IDENTITY_VIEWED). */
  const history = async (code: string) =>
    (
      await t.db.query(
        `SELECT e.action, e.actor_username AS actor, e.actor_role AS role, e.from_status AS "from", e.to_status AS "to",
                e.from_unit_code AS "fromUnit", e.to_unit_code AS "toUnit", e.note
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.tracking_code = $1 ORDER BY e.id`,
        [code],
      )
    ).map((e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null)));

  describe('bulk actions', () => {
    it('assigns in bulk as the single assign does: supervisors only, an official of the unit, versions and history', async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => newTicket(t, { unitCode: '00001' })));
      await post(otherOfficer, `/api/v1/tickets/${b.trackingCode}/start`, {}).expect(200); // b is at version 2 now
      const res = await bulk(supervisor, {
        action: 'assign',
        assigneeId: officer.user.id,
        items: [item(a), item(b), item(c)],
      }).expect(200);
      expect(res.body.results.map((r: { ok: boolean; version?: number }) => [r.ok, r.version])).toEqual([
        [true, 2],
        [false, undefined],
        [true, 2],
      ]);
      expect(res.body.results[1].problem.code).toBe('TICKET_CHANGED');
      const assignee = async (code: string) =>
        (await t.db.query(`SELECT assignee_id FROM tickets WHERE tracking_code = $1`, [code]))[0].assignee_id;
      expect([await assignee(a.trackingCode), await assignee(b.trackingCode)]).toEqual([officer.user.id, null]);
      expect((await history(a.trackingCode)).at(-1)).toMatchObject({ action: 'ASSIGNEE_CHANGED', role: 'SUPERVISOR' });
      // An official of another unit, per ticket: the same field error as the single assign, nothing written.
      const d = await newTicket(t, { unitCode: '00001' });
      const other = await bulk(supervisor, {
        action: 'assign',
        assigneeId: phucTanOfficer.user.id,
        items: [item(d)],
      }).expect(200);
      expect(other.body.results[0]).toMatchObject({ ok: false, problem: { status: 400 } });
      expect(await assignee(d.trackingCode)).toBeNull();
      // Officers do not assign: the whole request is refused.
      await bulk(officer, { action: 'assign', assigneeId: officer.user.id, items: [item(d)] }).expect(403);
    });

    it('resolves each ticket on its own: the ones changed meanwhile are left alone and say so, with history as single actions write it', async () => {
      const tickets = await Promise.all([1, 2, 3, 4, 5].map(() => newTicket(t, { unitCode: '00001' })));
      const [a, b, c, d, e] = tickets;
      // The official loaded the queue (every ticket at version 1); then someone else started b and resolved d.
      await post(otherOfficer, `/api/v1/tickets/${b.trackingCode}/start`, {}).expect(200);
      await post(otherOfficer, `/api/v1/tickets/${d.trackingCode}/resolve`, { resolution: 'Đã sửa trước' }).expect(200);
      // e was DEFERRED when loaded (version 2 then), and is still.
      await post(otherOfficer, `/api/v1/tickets/${e.trackingCode}/defer`, { reason: 'Chờ sổ tiêm' }).expect(200);

      const res = await bulk(officer, {
        action: 'resolve',
        resolution: 'Đã bổ sung mũi 2',
        items: [item(a), item(b), item(c), item(d), item(e, 2)],
      }).expect(200);

      expect(res.body).toEqual({
        action: 'resolve',
        done: 3,
        failed: 2,
        results: [
          { trackingCode: a.trackingCode, ok: true, status: 'RESOLVED', version: 2 },
          {
            trackingCode: b.trackingCode,
            ok: false,
            problem: {
              type: 'urn:phananh:problem:ticket-changed',
              code: 'TICKET_CHANGED',
              status: 409,
              title: 'Phản ánh vừa được người khác cập nhật, vui lòng tải lại',
            },
          },
          { trackingCode: c.trackingCode, ok: true, status: 'RESOLVED', version: 2 },
          expect.objectContaining({
            trackingCode: d.trackingCode,
            ok: false,
            problem: expect.objectContaining({ code: 'TICKET_CHANGED' }),
          }),
          { trackingCode: e.trackingCode, ok: true, status: 'RESOLVED', version: 3 },
        ],
      });
      // The tickets changed meanwhile keep what the other official did, and nothing of this request.
      expect(await row(b.trackingCode)).toMatchObject({ status: 'IN_PROGRESS', version: 2, resolution: null });
      expect(await row(d.trackingCode)).toMatchObject({ status: 'RESOLVED', version: 2, resolution: 'Đã sửa trước' });
      expect((await history(b.trackingCode)).map((h: { action: string }) => h.action)).toEqual(['FILED', 'STARTED']);
      expect(await history(d.trackingCode)).toEqual([
        expect.objectContaining({ action: 'FILED' }),
        expect.objectContaining({ action: 'RESOLVED', actor: otherOfficer.username, note: 'Đã sửa trước' }),
      ]);
      // The others: exactly the entry a single resolve writes (d's, by the other official, is the model).
      for (const [ticket, from] of [
        [a, 'ASSIGNED'],
        [c, 'ASSIGNED'],
        [e, 'DEFERRED'],
      ] as const) {
        const entries = await history(ticket.trackingCode);
        expect(entries.at(-1)).toEqual({
          action: 'RESOLVED',
          actor: officer.username,
          role: 'OFFICER',
          from,
          to: 'RESOLVED',
          note: 'Đã bổ sung mũi 2',
        });
        expect(await row(ticket.trackingCode)).toMatchObject({ status: 'RESOLVED', resolution: 'Đã bổ sung mũi 2' });
      }
      // The ticket page shows it like any other action.
      const page = await t.http
        .get(`/api/v1/tickets/${a.trackingCode}`)
        .set('Authorization', officer.bearer)
        .expect(200);
      expect(page.body.history.map((h: { action: string }) => h.action)).toEqual([
        'FILED',
        'RESOLVED',
        'IDENTITY_VIEWED',
      ]);
    });

    it('answers a ticket in a status that does not allow the action TRANSITION_NOT_ALLOWED, and a closed one too', async () => {
      const open = await newTicket(t, { unitCode: '00001' });
      const closed = await newTicket(t, { unitCode: '00001', status: TicketStatus.Resolved });
      const started = await newTicket(t, { unitCode: '00001', status: TicketStatus.InProgress });
      const res = await bulk(
        officer,
        { action: 'start', items: [item(open), item(closed), item(started)] },
        'en',
      ).expect(200);
      expect(
        res.body.results.map(
          (r: { ok: boolean; status?: string; problem?: { code: string } }) => r.status ?? r.problem!.code,
        ),
      ).toEqual(['IN_PROGRESS', 'TRANSITION_NOT_ALLOWED', 'TRANSITION_NOT_ALLOWED']);
      expect(res.body.results[1].problem).toEqual({
        type: 'urn:phananh:problem:transition-not-allowed',
        code: 'TRANSITION_NOT_ALLOWED',
        status: 409,
        title: 'This action is not allowed in the report’s current status',
      });
      expect(await row(closed.trackingCode)).toMatchObject({ status: 'RESOLVED', version: 1 });
    });

    it('reports a ticket out of reach exactly like an unknown one, and leaves it alone', async () => {
      const inside = await newTicket(t, { unitCode: '00001' });
      const outside = await newTicket(t, { unitCode: '00037' });
      const unknown = unknownTrackingCode();
      const res = await bulk(officer, {
        action: 'defer',
        reason: 'Cần kiểm tra',
        items: [item(inside), item(outside), { trackingCode: unknown, version: 1 }],
      }).expect(200);
      const [, out, none] = res.body.results;
      expect(res.body).toMatchObject({ done: 1, failed: 2 });
      expect({ ...out, trackingCode: 'X' }).toEqual({ ...none, trackingCode: 'X' });
      expect(out.problem).toMatchObject({ code: 'TICKET_NOT_FOUND', status: 404 });
      // Whatever version is claimed: a wrong one does not turn "not found" into "changed".
      const again = await bulk(officer, { action: 'defer', reason: 'x', items: [item(outside, 7)] }).expect(200);
      expect(again.body.results[0].problem).toEqual(none.problem);
      expect(await row(outside.trackingCode)).toMatchObject({ status: 'ASSIGNED', version: 1 });
      expect((await history(outside.trackingCode)).map((h: { action: string }) => h.action)).toEqual(['FILED']);
      // The supervisor of the other district does not reach it either; an admin does.
      const sup = await bulk(supervisor, { action: 'defer', reason: 'x', items: [item(outside)] }).expect(200);
      expect(sup.body.results[0].problem.code).toBe('TICKET_NOT_FOUND');
      const provinceWide = await bulk(admin, { action: 'defer', reason: 'x', items: [item(outside)] }).expect(200);
      expect(provinceWide.body.results[0]).toMatchObject({ ok: true, status: 'DEFERRED' });
    });

    it('acts on 200 tickets, and refuses 201 whole with a clear validation error', async () => {
      const many = await Promise.all(
        Array.from({ length: 201 }, () => newTicket(t, { unitCode: '00004', filedEvent: false })),
      );
      const trucBach = await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
      const tooMany = await bulk(trucBach, { action: 'start', items: many.map((x) => item(x)) }).expect(400);
      expect(tooMany.body.errors).toEqual([
        { field: 'items', code: 'arrayMaxSize', message: 'Không được quá 200 phần tử' },
      ]);
      expect(
        Number((await t.db.query(`SELECT count(*) FROM tickets WHERE unit_code = '00004' AND version > 1`))[0].count),
      ).toBe(0);
      const ok = await bulk(trucBach, { action: 'start', items: many.slice(0, 200).map((x) => item(x)) }).expect(200);
      expect(ok.body).toMatchObject({ done: 200, failed: 0 });
      expect(
        Number(
          (await t.db.query(`SELECT count(*) FROM tickets WHERE unit_code = '00004' AND status = 'IN_PROGRESS'`))[0]
            .count,
        ),
      ).toBe(200);
      await bulk(trucBach, { action: 'start', items: [] }).expect(400);
    });

    it('refuses a ticket twice in one request (as typed or not), whole, naming the repeated item', async () => {
      const x = await newTicket(t, { unitCode: '00001' });
      const y = await newTicket(t, { unitCode: '00001' });
      const typed = x.trackingCode.replace(/-/g, '').toLowerCase();
      const res = await bulk(officer, {
        action: 'start',
        items: [item(x), item(y), { trackingCode: typed, version: 1 }],
      }).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'items.2.trackingCode', code: 'BULK_DUPLICATE_ITEM', message: expect.any(String) },
      ]);
      expect(await row(x.trackingCode)).toMatchObject({ version: 1 });
      expect(await row(y.trackingCode)).toMatchObject({ version: 1 });
    });

    it('refuses whole what is wrong for every ticket: a missing parameter, OTHER without a note, a unit outside the province', async () => {
      const x = await newTicket(t, { unitCode: '00001' });
      const items = [item(x)];
      expect((await bulk(officer, { action: 'resolve', items }).expect(400)).body.errors[0].field).toBe('resolution');
      expect((await bulk(officer, { action: 'reject', items }).expect(400)).body.errors[0].field).toBe('reasonCode');
      expect((await bulk(officer, { action: 'reject', reasonCode: 'OTHER', items }).expect(400)).body.errors).toEqual([
        expect.objectContaining({ field: 'note', code: 'NOTE_REQUIRED' }),
      ]);
      expect(
        (await bulk(officer, { action: 'transfer', unitCode: '26734', reason: 'x', items }).expect(400)).body.errors,
      ).toEqual([expect.objectContaining({ field: 'unitCode', code: 'TRANSFER_OUTSIDE_PROVINCE' })]);
      expect((await bulk(officer, { action: 'merge', items }).expect(400)).body.errors[0].field).toBe('action');
      expect(
        (await bulk(officer, { action: 'start', items: [{ trackingCode: x.trackingCode }] }).expect(400)).body.errors[0]
          .field,
      ).toBe('items.0.version');
      expect(await row(x.trackingCode)).toMatchObject({ version: 1 });
      await t.http.post('/api/v1/tickets/bulk').send({ action: 'start', items }).expect(401);
    });

    it('transfers in bulk, a ticket already at the unit answered on its own', async () => {
      const x = await newTicket(t, { unitCode: '00001' });
      const there = await newTicket(t, { unitCode: '00004' });
      const res = await bulk(supervisor, {
        action: 'transfer',
        unitCode: '00004',
        reason: 'Tiêm tại Trúc Bạch',
        items: [item(x), item(there)],
      }).expect(200);
      expect(res.body.results[0]).toEqual({ trackingCode: x.trackingCode, ok: true, status: 'ASSIGNED', version: 2 });
      expect(res.body.results[1].problem).toMatchObject({ code: 'TRANSFER_SAME_UNIT', status: 400 });
      expect((await history(x.trackingCode)).at(-1)).toMatchObject({
        action: 'TRANSFERRED',
        fromUnit: '00001',
        toUnit: '00004',
        note: 'Tiêm tại Trúc Bạch',
      });
    });
  });

  describe('rejection reasons and reply templates', () => {
    it('gives each standard reason its default note and the next step, in both languages', async () => {
      const vi = (await t.http.get('/api/v1/reference/rejection-reasons').expect(200)).body;
      const en = (await t.http.get('/api/v1/reference/rejection-reasons').set('Accept-Language', 'en').expect(200))
        .body;
      expect(vi).toHaveLength(REJECTION_REASONS.length);
      expect(vi.find((r: { code: string }) => r.code === 'PHOTO_UNREADABLE')).toEqual({
        code: 'PHOTO_UNREADABLE',
        text: 'Ảnh mờ hoặc bị che khuất',
        requiresNote: false,
        defaultNote: rejectionReason('PHOTO_UNREADABLE')!.defaultNote!.vi,
        nextStep: rejectionReason('PHOTO_UNREADABLE')!.nextStep.vi,
      });
      expect(en.find((r: { code: string }) => r.code === 'OTHER')).toMatchObject({
        requiresNote: true,
        defaultNote: null,
      });
      for (const r of en) expect(r.nextStep).toMatch(/^Please /);
    });

    it('tells a rejected citizen the next step of the reason', async () => {
      const citizenId = '001090777001';
      const x = await newTicket(t, { unitCode: '00001', citizenId });
      await post(officer, `/api/v1/tickets/${x.trackingCode}/reject`, { reasonCode: 'NAME_WITHOUT_DIACRITICS' }).expect(
        200,
      );
      const res = await t.http
        .post('/api/v1/reports/lookup')
        .send({ trackingCode: x.trackingCode, citizenId })
        .expect(200);
      expect(res.body.rejection).toMatchObject({
        code: 'NAME_WITHOUT_DIACRITICS',
        nextStep: rejectionReason('NAME_WITHOUT_DIACRITICS')!.nextStep.vi,
      });
    });

    describe('templates', () => {
      let nameTemplate: string; // district 001, REJECTION of NAME_MISMATCH
      let anyReason: string; // ward 00001, REJECTION of any reason, Vietnamese only
      let resolution: string; // district 001, RESOLUTION
      let elsewhere: string; // district 002

      beforeAll(async () => {
        const create = async (who: Official, body: object) =>
          (await post(who, '/api/v1/reply-templates', body).expect(201)).body.id as string;
        nameTemplate = await create(supervisor, {
          kind: 'REJECTION',
          reasonCode: 'NAME_MISMATCH',
          title: 'Sai tên theo CCCD',
          text: {
            vi: 'Họ tên khác với CCCD, vui lòng kiểm tra.',
            en: 'The name differs from the ID card; please check.',
          },
        });
        anyReason = await create(supervisor, {
          unitCode: '00001',
          kind: 'REJECTION',
          title: 'Liên hệ trạm',
          text: { vi: 'Vui lòng liên hệ trạm y tế phường Phúc Xá.' },
        });
        resolution = await create(supervisor, {
          kind: 'RESOLUTION',
          title: 'Đã bổ sung',
          text: { vi: 'Đã bổ sung mũi tiêm trên Nền tảng.', en: 'The dose was added to the platform.' },
        });
        elsewhere = await create(otherSupervisor, {
          kind: 'REJECTION',
          title: 'Hoàn Kiếm',
          text: { vi: 'Mẫu của quận Hoàn Kiếm' },
        });
      });

      const list = async (who: Official, query = '') =>
        (await t.http.get(`/api/v1/reply-templates${query}`).set('Authorization', who.bearer).expect(200)).body;
      const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

      it('offers an official the templates of the own unit and the units above, a supervisor those below too', async () => {
        expect(ids(await list(officer))).toEqual([nameTemplate, anyReason, resolution].sort());
        expect((await list(officer)).every((x: { editable: boolean }) => !x.editable)).toBe(true);
        expect(await list(phucTanOfficer)).toEqual([expect.objectContaining({ id: elsewhere, editable: false })]);
        expect(ids(await list(supervisor))).toEqual([nameTemplate, anyReason, resolution].sort());
        expect((await list(supervisor)).every((x: { editable: boolean }) => x.editable)).toBe(true);
        expect(ids(await list(admin))).toEqual(
          expect.arrayContaining([nameTemplate, anyReason, resolution, elsewhere]),
        );
        // For a ticket of a unit, by kind and reason; a unit out of reach gives nothing.
        expect(ids(await list(officer, '?unitCode=00001&kind=REJECTION&reasonCode=DOB_MISMATCH'))).toEqual([anyReason]);
        expect(ids(await list(supervisor, '?unitCode=00004&kind=REJECTION'))).toEqual([nameTemplate]);
        expect(await list(officer, '?unitCode=00037')).toEqual([]);
        expect(await list(supervisor, '?unitCode=00037')).toEqual([]);
      });

      it('lets only supervisors of the unit or above manage a template: others get 404, officers 403', async () => {
        const body = { kind: 'REJECTION', title: 'Sửa', text: { vi: 'Mẫu đã sửa' } };
        await t.http
          .put(`/api/v1/reply-templates/${anyReason}`)
          .set('Authorization', otherSupervisor.bearer)
          .send(body)
          .expect(404);
        await t.http
          .put(`/api/v1/reply-templates/${anyReason}`)
          .set('Authorization', officer.bearer)
          .send(body)
          .expect(403);
        await t.http.delete(`/api/v1/reply-templates/${elsewhere}`).set('Authorization', supervisor.bearer).expect(404);
        await t.http.delete(`/api/v1/reply-templates/not-a-uuid`).set('Authorization', supervisor.bearer).expect(404);
        const res = await post(supervisor, '/api/v1/reply-templates', { ...body, unitCode: '00037' }).expect(400);
        expect(res.body.errors).toEqual([
          expect.objectContaining({ field: 'unitCode', code: 'TEMPLATE_UNIT_OUTSIDE_REACH' }),
        ]);
        const wrong = await post(supervisor, '/api/v1/reply-templates', {
          ...body,
          kind: 'RESOLUTION',
          reasonCode: 'OTHER',
        }).expect(400);
        expect(wrong.body.errors[0].code).toBe('TEMPLATE_REASON_NOT_REJECTION');
        const temp = (await post(supervisor, '/api/v1/reply-templates', body).expect(201)).body;
        expect(temp).toMatchObject({
          unitCode: '001',
          kind: 'REJECTION',
          reasonCode: null,
          text: { vi: 'Mẫu đã sửa', en: null },
          editable: true,
        });
        const changed = await t.http
          .put(`/api/v1/reply-templates/${temp.id}`)
          .set('Authorization', supervisor.bearer)
          .send({ ...body, title: 'Đổi', text: { vi: 'Một', en: 'One' } })
          .expect(200);
        expect(changed.body).toMatchObject({ title: 'Đổi', text: { vi: 'Một', en: 'One' } });
        await t.http.delete(`/api/v1/reply-templates/${temp.id}`).set('Authorization', supervisor.bearer).expect(204);
        await t.http.delete(`/api/v1/reply-templates/${temp.id}`).set('Authorization', supervisor.bearer).expect(404);
      });

      it('writes a template as the note of a rejection, single or in bulk, in the request language', async () => {
        const [x, y, z] = await Promise.all([1, 2, 3].map(() => newTicket(t, { unitCode: '00001' })));
        const text = 'Họ tên khác với CCCD, vui lòng kiểm tra.';
        await post(officer, `/api/v1/tickets/${x.trackingCode}/reject`, {
          reasonCode: 'NAME_MISMATCH',
          templateId: nameTemplate,
        }).expect(200);
        expect(await row(x.trackingCode)).toMatchObject({ status: 'REJECTED', rejection_note: text });
        expect((await history(x.trackingCode)).at(-1)).toMatchObject({
          action: 'REJECTED',
          note: `NAME_MISMATCH: ${text}`,
        });

        const res = await bulk(
          officer,
          { action: 'reject', reasonCode: 'NAME_MISMATCH', templateId: nameTemplate, items: [item(y), item(z)] },
          'en',
        ).expect(200);
        expect(res.body).toMatchObject({ done: 2, failed: 0 });
        for (const code of [y.trackingCode, z.trackingCode]) {
          expect(await row(code)).toMatchObject({ rejection_note: 'The name differs from the ID card; please check.' });
        }
        // A template of any reason goes with every reason; its English falls back to the Vietnamese.
        const w = await newTicket(t, { unitCode: '00001' });
        await post(
          officer,
          `/api/v1/tickets/${w.trackingCode}/reject`,
          { reasonCode: 'DOB_MISMATCH', templateId: anyReason },
          'en',
        ).expect(200);
        expect(await row(w.trackingCode)).toMatchObject({
          rejection_note: 'Vui lòng liên hệ trạm y tế phường Phúc Xá.',
        });
        // A resolution template resolves.
        const v = await newTicket(t, { unitCode: '00001' });
        await bulk(officer, { action: 'resolve', templateId: resolution, items: [item(v)] }).expect(200);
        expect(await row(v.trackingCode)).toMatchObject({ resolution: 'Đã bổ sung mũi tiêm trên Nền tảng.' });
      });

      it('refuses a template of another reason, of another kind, with a text, or out of reach (like an unknown one)', async () => {
        const x = await newTicket(t, { unitCode: '00001' });
        const reject = (body: object) => post(officer, `/api/v1/tickets/${x.trackingCode}/reject`, body).expect(400);
        const code = async (body: object) => (await reject(body)).body.errors[0].code;
        expect(await code({ reasonCode: 'DOB_MISMATCH', templateId: nameTemplate })).toBe('TEMPLATE_OTHER_REASON');
        expect(await code({ reasonCode: 'NAME_MISMATCH', templateId: resolution })).toBe('TEMPLATE_WRONG_KIND');
        expect(await code({ reasonCode: 'NAME_MISMATCH', templateId: nameTemplate, note: 'x' })).toBe(
          'TEMPLATE_WITH_TEXT',
        );
        const outOfReach = (await reject({ reasonCode: 'NAME_MISMATCH', templateId: elsewhere })).body;
        const unknown = (
          await reject({ reasonCode: 'NAME_MISMATCH', templateId: '0b9d5c7e-6f1a-4c7e-9a59-2f8b1d3c4e5f' })
        ).body;
        expect(outOfReach).toEqual(unknown);
        expect(outOfReach.errors[0]).toMatchObject({ field: 'templateId', code: 'TEMPLATE_UNKNOWN' });
        const inBulk = await bulk(officer, {
          action: 'defer',
          reason: 'x',
          templateId: resolution,
          items: [item(x)],
        }).expect(400);
        expect(inBulk.body.errors[0].code).toBe('TEMPLATE_WRONG_KIND');
        expect(await row(x.trackingCode)).toMatchObject({ status: 'ASSIGNED', version: 1 });
      });
    });
  });
});
