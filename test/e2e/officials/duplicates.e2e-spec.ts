import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { SlaSweeper } from '@phananh/sla';
import { TicketStatus, TicketStore } from '@phananh/ticket-store';
import {
  Official,
  TestApp,
  binaryBody,
  changeTicket,
  createTestApp,
  eventually,
  newOfficial,
  newTicket,
  unknownTrackingCode,
} from '@test/support';
import sharp from 'sharp';
import { Citizen, newCitizen, reportBody } from '../public/report-bodies';

/** Two real 2×2 PNGs of different colours, proof photos of two filings (intake re-encodes them). */
const png = (background: string) =>
  sharp({ create: { width: 2, height: 2, channels: 3, background } })
    .png()
    .toBuffer();
/** The colour of a served PNG's first pixel, as #rrggbb. */
const firstPixel = async (content: Buffer) =>
  '#' + (await sharp(content).raw().toBuffer()).subarray(0, 3).toString('hex');
let PNG_A: Buffer;
let PNG_B: Buffer;

/**
 * Possible duplicates and merging (docs/api.md, "Possible duplicates and merging"): a citizen's
 * second filing about the same dose from another phone is a report of its own, linked to the
 * first; officials see the two side by side and fold one into the other. Units: Phúc Xá
 * (00001, Ba Đình 001, Hà Nội 01) and Phúc Tân (00037, Hoàn Kiếm 002, Hà Nội 01).
 */
describe('officials: possible duplicates side by side, and merging them', () => {
  let t: TestApp;
  let clock: FakeClock;
  let officer: Official; // 00001
  let officerPhucTan: Official; // 00037
  let districtSupervisor: Official; // 001, which holds 00001 but not 00037
  let provinceSupervisor: Official; // 01
  let admin: Official;

  beforeAll(async () => {
    [PNG_A, PNG_B] = await Promise.all([png('#ff0000'), png('#0000ff')]);
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({
      clock,
      worker: false,
      env: { RATE_LIMIT_FILINGS_PER_MINUTE: '10000', RATE_LIMIT_LOOKUPS_PER_MINUTE: '10000' },
    });
    // Each ward has an official, so that reports about doses given there are routed to it.
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    officerPhucTan = await newOfficial(t, { role: Role.Officer, unitCode: '00037' });
    districtSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    provinceSupervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '01' });
    admin = await newOfficial(t, { role: Role.Admin });
  });
  afterAll(() => t.close());
  afterEach(() => clock.set('2021-11-03T08:00:00+07:00'));

  // Tokens live on the FakeClock, which a test moves by days: issue one per request.
  const bearer = (who: Official) => `Bearer ${t.app.get(AuthService).issue(who.user).accessToken}`;
  const get = (who: Official, code: string) => t.http.get(`/api/v1/tickets/${code}`).set('Authorization', bearer(who));
  const merge = (who: Official, code: string, body: object) =>
    t.http.post(`/api/v1/tickets/${code}/merge`).set('Authorization', bearer(who)).send(body);
  const dupCodes = (res: { body: { possibleDuplicates: { trackingCode: string }[] } }) =>
    res.body.possibleDuplicates.map((d) => d.trackingCode);
  const otherPhone = () => newCitizen().phone;

  /** Files a report through the public API, as the citizen does: its code (a new report: 201). */
  async function file(
    citizen: Citizen,
    o: { phone?: string; ward?: string; photo?: Buffer; doseNumber?: number } = {},
  ): Promise<string> {
    const body = reportBody({ ...citizen, phone: o.phone ?? citizen.phone }, o.ward ?? '00001');
    if (o.doseNumber) body.dose!.doseNumber = o.doseNumber;
    const req = t.http.post('/api/v1/reports');
    const res = o.photo
      ? await req
          .field('report', JSON.stringify(body))
          .attach('attachments', o.photo, { filename: 'giay.png', contentType: 'image/png' })
      : await req.send(body);
    expect(res.status).toBe(201);
    return res.body.trackingCode as string;
  }

  const row = async (code: string) => (await t.db.query(`SELECT * FROM tickets WHERE tracking_code = $1`, [code]))[0];
  const events = async (code: string) =>
    t.db.query(
      `SELECT e.action, e.note, e.is_public, e.from_status, e.to_status FROM ticket_events e
       JOIN tickets t ON t.id = e.ticket_id WHERE t.tracking_code = $1 AND e.action <> 'IDENTITY_VIEWED' ORDER BY e.id`,
      [code],
    );
  /** Everything a refused merge must leave as it was: both rows and both histories (views aside). */
  const snapshot = async (...codes: string[]) =>
    Promise.all(codes.map(async (c) => ({ row: await row(c), events: await events(c) })));

  describe('the single view', () => {
    it('lists two reports of one citizen filed from different phones as possible duplicates of each other', async () => {
      const citizen = newCitizen();
      const phoneB = otherPhone();
      const a = await file(citizen, { photo: PNG_A });
      clock.advance(HOUR_MS);
      const b = await file(citizen, { phone: phoneB, photo: PNG_B });
      expect(b).not.toBe(a);
      expect((await row(b)).duplicate_of).toBe((await row(a)).id);

      const viewA = await get(officer, a).expect(200);
      expect(viewA.body.possibleDuplicates).toEqual([
        {
          trackingCode: b,
          status: 'ASSIGNED',
          issueType: 'MISSING_DOSE',
          receivedAt: '2021-11-03T09:00:00.000+07:00',
          dueAt: '2021-11-05T09:00:00.000+07:00',
          assignedUnit: { code: '00001', name: 'Trạm Y tế Phường Phúc Xá', level: 'ward' },
          citizen: {
            fullName: citizen.fullName,
            citizenId: `${citizen.citizenId.slice(0, 3)}******${citizen.citizenId.slice(-3)}`,
            phone: expect.stringMatching(/^\+84\d{2}\*{4}\d{3}$/),
          },
          samePhone: false,
          dose: {
            doseNumber: 2,
            vaccineCode: 'COMIRNATY',
            vaccinatedOn: '2021-10-20',
            wardCode: '00001',
            facilityName: 'Trạm Y tế phường Phúc Xá',
            lotNumber: expect.any(String),
          },
          description: expect.any(String),
          attachmentCount: 1,
        },
      ]);
      // The other report's phone is never shown whole (this ticket's own is: it is the single view).
      expect(viewA.text).not.toContain(phoneB.slice(1));
      expect(viewA.body.mergedInto).toBeNull();

      const viewB = await get(officer, b).expect(200);
      expect(dupCodes(viewB)).toEqual([a]);
      expect(viewB.body.possibleDuplicates[0]).toMatchObject({ samePhone: false, attachmentCount: 1 });
      expect(viewB.text).not.toContain(citizen.phone.slice(1));

      // A third filing from a third phone is linked to the earliest open one; the second sees it one hop away.
      clock.advance(HOUR_MS);
      const c = await file(citizen, { phone: otherPhone() });
      expect(dupCodes(await get(officer, a).expect(200))).toEqual([b, c]);
      expect(dupCodes(await get(officer, b).expect(200))).toEqual([a, c]);
      expect(dupCodes(await get(officer, c).expect(200))).toEqual([a, b]);
      // The workflow's answers carry the list too.
      const commented = await t.http
        .post(`/api/v1/tickets/${c}/comments`)
        .set('Authorization', bearer(officer))
        .send({ text: 'Có thể trùng' })
        .expect(200);
      expect(dupCodes(commented)).toEqual([a, b]);
    });

    it('says whether the phones match, by their blind index; a report without a phone matches none', async () => {
      const citizenId = '001090777001';
      const first = await newTicket(t, { citizenId, phone: '+84912345678' });
      const second = await newTicket(t, { citizenId, phone: '+84987654321', duplicateOf: first.id });
      // The first report closed; the citizen filed again from the first phone: linked to the open second one.
      await changeTicket(t, first.trackingCode, {
        status: TicketStatus.Resolved,
        closedAt: t.clock.now(),
        slaNextAt: null,
      });
      const third = await newTicket(t, { citizenId, phone: '+84912345678', duplicateOf: second.id });
      const noPhone = await newTicket(t, { citizenId, phone: null, duplicateOf: second.id });
      const view = await get(officer, third.trackingCode).expect(200);
      const byCode = Object.fromEntries(
        view.body.possibleDuplicates.map((d: { trackingCode: string; samePhone: boolean; status: string }) => [
          d.trackingCode,
          [d.status, d.samePhone],
        ]),
      );
      expect(byCode).toEqual({
        [first.trackingCode]: ['RESOLVED', true],
        [second.trackingCode]: ['ASSIGNED', false],
        [noPhone.trackingCode]: ['ASSIGNED', false],
      });
      const none = await get(officer, noPhone.trackingCode).expect(200);
      expect(none.body.possibleDuplicates.map((d: { samePhone: boolean }) => d.samePhone)).toEqual([
        false,
        false,
        false,
      ]);
      // A ticket with no link has an empty list.
      expect((await get(officer, (await newTicket(t)).trackingCode).expect(200)).body.possibleDuplicates).toEqual([]);
    });

    it('leaves out a linked report outside the caller’s reach, and will not merge into it', async () => {
      const citizen = newCitizen();
      const here = await file(citizen);
      const there = await file(citizen, { phone: otherPhone(), ward: '00037' });
      expect((await row(there)).unit_code).toBe('00037');

      expect(dupCodes(await get(officer, here).expect(200))).toEqual([]);
      expect(dupCodes(await get(districtSupervisor, here).expect(200))).toEqual([]);
      expect(dupCodes(await get(officerPhucTan, there).expect(200))).toEqual([]);
      expect(dupCodes(await get(provinceSupervisor, here).expect(200))).toEqual([there]);
      expect(dupCodes(await get(admin, there).expect(200))).toEqual([here]);

      // Outside the reach and unknown: the same answer, which names no report.
      const before = await snapshot(here, there);
      const outside = await merge(officer, here, { into: there }).expect(404);
      const unknown = await merge(officer, here, { into: unknownTrackingCode() }).expect(404);
      expect(outside.body).toEqual(unknown.body);
      expect(outside.body.type).toBe('urn:phananh:problem:merge-target-not-found');
      expect(outside.text).not.toContain(there);
      await merge(districtSupervisor, here, { into: there }).expect(404);
      // The report to merge outside the reach: the ticket itself is not found.
      const notMine = await merge(officer, there, { into: here }).expect(404);
      expect(notMine.body.type).toBe('urn:phananh:problem:ticket-not-found');
      expect(await snapshot(here, there)).toEqual(before);
      // Someone reaching both may merge them.
      await merge(provinceSupervisor, there, { into: here }).expect(200);
    });
  });

  describe('merging', () => {
    it('ends the merged report MERGED with its history and files; the kept one changes only by its history', async () => {
      const citizen = newCitizen();
      const kept = await file(citizen, { photo: PNG_A });
      clock.advance(HOUR_MS);
      const merged = await file(citizen, { phone: otherPhone(), photo: PNG_B });
      await t.http.post(`/api/v1/tickets/${merged}/start`).set('Authorization', bearer(officer)).expect(200);
      const keptBefore = await row(kept);
      const keptEventsBefore = await events(kept);
      const mergedEventsBefore = await events(merged);

      clock.advance(HOUR_MS);
      const res = await merge(officer, merged, { into: kept.toLowerCase(), note: '  Cùng mũi 2, hai số điện thoại ' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ trackingCode: merged, status: 'MERGED', mergedInto: kept, version: 3 });
      expect(res.body.history.at(-1)).toMatchObject({
        action: 'MERGED',
        fromStatus: 'IN_PROGRESS',
        toStatus: 'MERGED',
        note: `${kept}: Cùng mũi 2, hai số điện thoại`,
        actor: { username: officer.username, role: 'OFFICER', unitCode: '00001' },
        at: '2021-11-03T10:00:00.000+07:00',
      });
      expect(res.body.attachments).toEqual([
        { id: expect.any(String), contentType: 'image/png', size: expect.any(Number), fromTrackingCode: null },
      ]);
      expect(dupCodes(res)).toEqual([kept]);

      // The merged report: closed now, pointing at the kept one, off the SLA ladder; its history kept.
      const m = await row(merged);
      expect(m).toMatchObject({ status: 'MERGED', merged_into: keptBefore.id, sla_next_at: null, version: 3 });
      expect(m.closed_at.toISOString()).toBe(clock.now().toISOString());
      expect(await events(merged)).toEqual([
        ...mergedEventsBefore,
        {
          action: 'MERGED',
          note: `${kept}: Cùng mũi 2, hai số điện thoại`,
          is_public: true,
          from_status: 'IN_PROGRESS',
          to_status: 'MERGED',
        },
      ]);
      // The kept report: the very same row, one internal history entry more.
      expect(await row(kept)).toEqual(keptBefore);
      expect(await events(kept)).toEqual([
        ...keptEventsBefore,
        {
          action: 'MERGED_FROM',
          note: `${merged}: Cùng mũi 2, hai số điện thoại`,
          is_public: false,
          from_status: 'ASSIGNED',
          to_status: 'ASSIGNED',
        },
      ]);

      // The kept report lists the merged report's photo after its own, and serves it.
      const keptView = await get(officer, kept).expect(200);
      expect(keptView.body.history.at(-2)).toMatchObject({
        action: 'MERGED_FROM',
        note: expect.stringContaining(merged),
      });
      expect(keptView.body.attachments).toEqual([
        { id: expect.any(String), contentType: 'image/png', size: expect.any(Number), fromTrackingCode: null },
        {
          id: res.body.attachments[0].id,
          contentType: 'image/png',
          size: expect.any(Number),
          fromTrackingCode: merged,
        },
      ]);
      expect(keptView.body.possibleDuplicates).toEqual([
        expect.objectContaining({ trackingCode: merged, status: 'MERGED' }),
      ]);
      const download = (code: string, id: string, who = officer) =>
        t.http
          .get(`/api/v1/tickets/${code}/attachments/${id}`)
          .set('Authorization', bearer(who))
          .buffer(true)
          .parse(binaryBody);
      const viaKept = await download(kept, res.body.attachments[0].id).expect(200);
      expect(await firstPixel(viaKept.body as Buffer)).toBe('#0000ff');
      expect((viaKept.body as Buffer).length).toBe(res.body.attachments[0].size);
      const viaMerged = await download(merged, res.body.attachments[0].id).expect(200);
      expect(Buffer.compare(viaMerged.body as Buffer, viaKept.body as Buffer)).toBe(0);
      // The kept report's own file is not served through the merged one, nor anything outside the reach.
      await download(merged, keptView.body.attachments[0].id).expect(404);
      await download(kept, res.body.attachments[0].id, officerPhucTan).expect(404);

      // Closed: nothing more to merge, and no other action but a comment.
      const again = await merge(officer, merged, { into: kept }).expect(409);
      expect(again.body.type).toBe('urn:phananh:problem:transition-not-allowed');
      await t.http
        .post(`/api/v1/tickets/${merged}/resolve`)
        .set('Authorization', bearer(officer))
        .send({ resolution: 'x' })
        .expect(409);
      await t.http
        .post(`/api/v1/tickets/${merged}/reopen`)
        .set('Authorization', bearer(districtSupervisor))
        .send({ reason: 'x' })
        .expect(409);
      // The queue shows it under its status, not among the open ones.
      const queue = await t.http.get('/api/v1/tickets?status=MERGED').set('Authorization', bearer(officer)).expect(200);
      expect(queue.body.items.map((i: { trackingCode: string }) => i.trackingCode)).toContain(merged);
    });

    it('stops the merged report’s deadline: past it, alerts come for the kept report only', async () => {
      const citizen = newCitizen();
      const kept = await file(citizen);
      const merged = await file(citizen, { phone: otherPhone() });
      await merge(officer, merged, { into: kept }).expect(200);
      const ids = { kept: (await row(kept)).id, merged: (await row(merged)).id };
      const sweeper = t.app.get(SlaSweeper);
      // Each rung of both ladders (deadline 5 Nov 08:00): due soon, overdue, escalated a day later.
      for (const at of ['2021-11-04T20:00:00+07:00', '2021-11-05T08:00:00+07:00', '2021-11-06T08:00:00+07:00']) {
        clock.set(at);
        await eventually(async () => (await sweeper.sweep()).tickets === 0);
      }
      const fired = await t.db.query(
        `SELECT ticket_id, kind FROM alert_events WHERE ticket_id = ANY ($1::bigint[]) ORDER BY occurred_at`,
        [[ids.kept, ids.merged]],
      );
      expect(fired).toEqual([
        { ticket_id: ids.kept, kind: 'DUE_SOON' },
        { ticket_id: ids.kept, kind: 'OVERDUE' },
        { ticket_id: ids.kept, kind: 'ESCALATED' },
      ]);
      expect(await row(merged)).toMatchObject({ status: 'MERGED', sla_next_at: null, overdue_since: null });
      expect((await events(merged)).map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED', 'MERGED']);
    });

    it('refuses another citizen’s report, a closed one, an unlinked one and itself, and changes nothing', async () => {
      const citizen = newCitizen();
      const first = await file(citizen);
      const second = await file(citizen, { phone: otherPhone() });
      const otherDose = await file(citizen, { phone: otherPhone(), doseNumber: 3 });
      const stranger = await file(newCitizen());
      expect((await row(otherDose)).duplicate_of).toBeNull();

      const refused = async (code: string, into: string, status: number, type: string) => {
        const before = await snapshot(code, into);
        const res = await merge(officer, code, { into });
        expect(`${res.status} ${res.body.type}`).toBe(`${status} urn:phananh:problem:${type}`);
        expect(await snapshot(code, into)).toEqual(before);
        return res;
      };
      await refused(second, stranger, 409, 'merge-other-citizen');
      await refused(otherDose, first, 409, 'merge-not-linked');
      const self = await refused(second, second.replace(/-/g, ''), 400, 'validation-failed');
      expect(self.body.errors).toEqual([expect.objectContaining({ field: 'into', code: 'MERGE_SAME_TICKET' })]);
      const empty = await merge(officer, second, {}).expect(400);
      expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'into' })]);

      await t.http
        .post(`/api/v1/tickets/${first}/resolve`)
        .set('Authorization', bearer(officer))
        .send({ resolution: 'Đã bổ sung mũi 2' })
        .expect(200);
      await refused(second, first, 409, 'merge-target-closed');
      // … and the closed one cannot be merged into the open one either.
      await refused(first, second, 409, 'transition-not-allowed');
      // Anonymous: 401, nothing changed.
      await t.http.post(`/api/v1/tickets/${second}/merge`).send({ into: first }).expect(401);
    });

    it('writes nothing when either report changed between read and write (409 TICKET_CHANGED)', async () => {
      const store = t.app.get(TicketStore);
      for (const changed of ['kept', 'merged'] as const) {
        const citizen = newCitizen();
        const codes = { kept: await file(citizen), merged: await file(citizen, { phone: otherPhone() }) };
        const target = await row(codes[changed]);
        // Another official's transaction holds the row the merge is about to lock, and changes it.
        const other = t.db.createQueryRunner();
        await other.connect();
        try {
          await other.startTransaction();
          await other.query(`SELECT id FROM tickets WHERE id = $1 FOR UPDATE`, [target.id]);
          const pending = merge(officer, codes.merged, { into: codes.kept }).then((r) => r);
          await eventually(async () => {
            const [waiting] = await t.db.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'`,
            );
            return waiting.n === 1;
          });
          expect(
            await store.update(other, target.id, target.version, { status: TicketStatus.InProgress }, clock.now()),
          ).toBe(true);
          await other.commitTransaction();
          const res = await pending;
          expect(`${changed}: ${res.status} ${res.body.type}`).toBe(
            `${changed}: 409 urn:phananh:problem:ticket-changed`,
          );
        } finally {
          await other.release();
        }
        const merged = await row(codes.merged);
        expect(merged).toMatchObject({ merged_into: null, closed_at: null });
        expect(merged.status).toBe(changed === 'merged' ? 'IN_PROGRESS' : 'ASSIGNED');
        expect((await events(codes.merged)).map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED']);
        expect((await events(codes.kept)).map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED']);
      }
    });

    it('of two officials merging two reports into each other at once, exactly one wins, without a deadlock', async () => {
      for (let round = 0; round < 5; round++) {
        const citizen = newCitizen();
        const a = await file(citizen);
        const b = await file(citizen, { phone: otherPhone() });
        const results = await Promise.all([merge(officer, a, { into: b }), merge(districtSupervisor, b, { into: a })]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        const loser = results.find((r) => r.status === 409)!;
        expect(['ticket-changed', 'transition-not-allowed', 'merge-target-closed']).toContain(
          loser.body.type.replace('urn:phananh:problem:', ''),
        );
        const statuses = [(await row(a)).status, (await row(b)).status].sort();
        expect(statuses).toEqual(['ASSIGNED', 'MERGED']);
      }
    });
  });
});
