import { TicketAction, TicketStatus } from '@phananh/ticket-store';
import { Role } from '@phananh/identity';
import { TestApp, addTicketEvents, changeTicket, createTestApp, newOfficial } from '@test/support';
import { newTrackingCode } from '@phananh/reports';
import { newCitizen, reportBody } from './report-bodies';

describe('POST /api/v1/reports/lookup', () => {
  let t: TestApp;
  const lookup = (body: object, lang?: string) => {
    const req = t.http.post('/api/v1/reports/lookup');
    if (lang) req.set('Accept-Language', lang);
    return req.send(body);
  };
  const fileOne = async () => {
    const citizen = newCitizen();
    const res = await t.http.post('/api/v1/reports').send(reportBody(citizen, '00001')).expect(201);
    return { citizen, code: res.body.trackingCode as string };
  };

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { RATE_LIMIT_LOOKUPS_PER_MINUTE: '10000', RATE_LIMIT_FILINGS_PER_MINUTE: '10000' },
    });
  });
  afterAll(() => t.close());

  it('shows the public view of an open report, with its timeline', async () => {
    const { citizen, code } = await fileOne();
    const res = await lookup({ trackingCode: code, citizenId: citizen.citizenId }).expect(200);
    expect(res.body).toEqual({
      trackingCode: code,
      status: 'ASSIGNED',
      mergedInto: null,
      assignedUnit: { code: '01', name: 'Sở Y tế Thành phố Hà Nội', level: 'province' },
      receivedAt: '2021-11-03T08:00:00.000+07:00',
      dueAt: '2021-11-05T08:00:00.000+07:00',
      resolution: null,
      rejection: null,
      timeline: [
        { at: '2021-11-03T08:00:00.000+07:00', action: 'FILED', unitName: null },
        { at: '2021-11-03T08:00:00.000+07:00', action: 'ASSIGNED', unitName: 'Sở Y tế Thành phố Hà Nội' },
      ],
    });
    expect(res.text).not.toContain(citizen.citizenId);
    expect(res.text).not.toContain(citizen.phone.slice(1));
  });

  it('accepts the code in any case, with or without dashes or spaces', async () => {
    const { citizen, code } = await fileOne();
    for (const typed of [code.toLowerCase(), code.replace(/-/g, ''), code.replace(/-/g, ' ').toLowerCase()]) {
      const res = await lookup({ trackingCode: typed, citizenId: citizen.citizenId }).expect(200);
      expect(res.body.trackingCode).toBe(code);
    }
  });

  it('answers a wrong pair exactly like an unknown code: 404', async () => {
    const { citizen, code } = await fileOne();
    const other = newCitizen();
    const wrongId = await lookup({ trackingCode: code, citizenId: other.citizenId }).expect(404);
    const unknown = await lookup({ trackingCode: newTrackingCode(), citizenId: citizen.citizenId }).expect(404);
    expect(wrongId.body).toEqual(unknown.body);
    expect(wrongId.headers['content-type']).toBe(unknown.headers['content-type']);
    expect(wrongId.body).toEqual({
      type: 'urn:phananh:problem:report-not-found',
      title: 'Không tìm thấy phản ánh với mã tra cứu và số định danh này',
      status: 404,
      detail: 'Không tìm thấy phản ánh với mã tra cứu và số định danh này',
    });
    const en = await lookup({ trackingCode: code, citizenId: '012345678' }, 'en').expect(404);
    expect(en.body.title).toBe('No report matches this tracking code and identity number');
    expect(en.text).not.toContain('012345678');
  });

  it('catches a mistyped code by its check symbol', async () => {
    const { citizen, code } = await fileOne();
    const last = code.slice(-1);
    const typo = code.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const res = await lookup({ trackingCode: typo, citizenId: citizen.citizenId }, 'en').expect(400);
    expect(res.body.errors).toEqual([
      {
        field: 'trackingCode',
        code: 'TRACKING_CODE_INVALID',
        message: 'This tracking code is not valid: please check each character',
      },
    ]);
  });

  it('validates the body like any other', async () => {
    const res = await lookup({ trackingCode: 5, extra: 1 }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'citizenId',
      'extra',
      'trackingCode',
    ]);
  });

  it('shows the resolution of a resolved report', async () => {
    const { citizen, code } = await fileOne();
    await changeTicket(t, code, {
      status: TicketStatus.Resolved,
      resolution: 'Đã cập nhật mũi 2 trên Nền tảng',
      closedAt: t.clock.now(),
    });
    const res = await lookup({ trackingCode: code, citizenId: citizen.citizenId }).expect(200);
    expect(res.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'Đã cập nhật mũi 2 trên Nền tảng',
      rejection: null,
    });
  });

  it('shows the rejection reason and what to do next, in the caller language, and public events only', async () => {
    const { citizen, code } = await fileOne();
    const id = await changeTicket(t, code, {
      status: TicketStatus.Rejected,
      rejectionReasonCode: 'DOB_MISMATCH',
      rejectionNote: 'Phiếu ghi 1991',
      closedAt: t.clock.now(),
    });
    const official = { actorUsername: 'can.bo', actorUnitCode: '01' };
    await addTicketEvents(t, [
      {
        ticketId: id,
        at: new Date('2021-11-04T09:00:00+07:00'),
        action: TicketAction.Commented,
        ...official,
        note: 'ghi chú nội bộ',
      },
      {
        ticketId: id,
        at: new Date('2021-11-04T10:00:00+07:00'),
        action: TicketAction.Rejected,
        ...official,
        fromStatus: TicketStatus.Assigned,
        toStatus: TicketStatus.Rejected,
        note: 'Phiếu ghi 1991',
      },
    ]);
    const vi = await lookup({ trackingCode: code, citizenId: citizen.citizenId }).expect(200);
    expect(vi.body.rejection).toEqual({
      code: 'DOB_MISMATCH',
      reason: 'Ngày sinh không khớp',
      note: 'Phiếu ghi 1991',
      // The next step of this reason (each standard reason has its own).
      nextStep: 'Vui lòng gửi lại phản ánh với ngày sinh đúng như trên căn cước công dân.',
    });
    expect(vi.body.timeline.map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED', 'REJECTED']);
    expect(vi.body.timeline[2]).toEqual({
      at: '2021-11-04T10:00:00.000+07:00',
      action: 'REJECTED',
      unitName: 'Sở Y tế Thành phố Hà Nội',
    });
    expect(vi.text).not.toContain('nội bộ');
    const en = await lookup({ trackingCode: code, citizenId: citizen.citizenId }, 'en').expect(200);
    expect(en.body.rejection).toMatchObject({
      reason: 'The date of birth does not match',
      nextStep: 'Please file again with your date of birth exactly as on your identity card.',
    });
  });

  describe('a merged report', () => {
    // An admin has no unit, so reports stay routed as the tests above expect.
    const merge = async (code: string, into: string) => {
      const admin = await newOfficial(t, { role: Role.Admin });
      await t.http.post(`/api/v1/tickets/${code}/merge`).set('Authorization', admin.bearer).send({ into }).expect(200);
    };
    /** Two reports of one citizen about the same dose, from two phones: the second is linked to the first. */
    const twoReports = async () => {
      const citizen = newCitizen();
      const secondPhone = newCitizen().phone;
      const first = await t.http.post('/api/v1/reports').send(reportBody(citizen, '00001')).expect(201);
      const second = await t.http
        .post('/api/v1/reports')
        .send(reportBody({ ...citizen, phone: secondPhone }, '00001'))
        .expect(201);
      return {
        citizen,
        phones: { first: citizen.phone, second: secondPhone },
        codes: { first: first.body.trackingCode as string, second: second.body.trackingCode as string },
      };
    };

    it('names the report to follow only to whoever gives the identity number and the kept report’s phone', async () => {
      const { citizen, phones, codes } = await twoReports();
      await merge(codes.second, codes.first);
      const ask = (phone?: string) =>
        lookup({ trackingCode: codes.second, citizenId: citizen.citizenId, ...(phone === undefined ? {} : { phone }) });

      const right = await ask(phones.first).expect(200);
      expect(right.body).toMatchObject({ trackingCode: codes.second, status: 'MERGED', mergedInto: codes.first });
      expect(right.body.timeline.map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED', 'MERGED']);
      // The phone as typed in any of the usual ways.
      const spaced = `+84 ${phones.first.slice(1, 4)} ${phones.first.slice(4, 7)} ${phones.first.slice(7)}`;
      expect((await ask(spaced).expect(200)).body.mergedInto).toBe(codes.first);

      // Its own phone, another phone, no phone: MERGED, and nothing about the kept report anywhere in the answer.
      for (const phone of [phones.second, newCitizen().phone, undefined, '']) {
        const res = await ask(phone).expect(200);
        expect(res.body).toMatchObject({ status: 'MERGED', mergedInto: null });
        expect(res.text).not.toContain(codes.first);
        expect(res.body).toEqual({ ...right.body, mergedInto: null });
      }
      // The right phone with another identity number: the same 404 as an unknown code.
      const wrongId = await lookup({
        trackingCode: codes.second,
        citizenId: newCitizen().citizenId,
        phone: phones.first,
      });
      const unknown = await lookup({
        trackingCode: newTrackingCode(),
        citizenId: citizen.citizenId,
        phone: phones.first,
      });
      expect(wrongId.status).toBe(404);
      expect(wrongId.body).toEqual(unknown.body);
      // The kept report itself is looked up as always; a phone changes nothing there.
      const kept = await lookup({ trackingCode: codes.first, citizenId: citizen.citizenId, phone: phones.first });
      expect(kept.body).toMatchObject({ status: 'ASSIGNED', mergedInto: null });
      expect(kept.body.timeline.map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED']);
    });

    it('does not name the kept report to the phone of the merged one (who may be an attacker who filed first)', async () => {
      const { citizen, phones, codes } = await twoReports();
      // The official keeps the second report (the citizen's) and folds the first (the squatter's) into it.
      await merge(codes.first, codes.second);
      const squatter = await lookup({ trackingCode: codes.first, citizenId: citizen.citizenId, phone: phones.first });
      expect(squatter.body).toMatchObject({ status: 'MERGED', mergedInto: null });
      expect(squatter.text).not.toContain(codes.second);
      const owner = await lookup({ trackingCode: codes.first, citizenId: citizen.citizenId, phone: phones.second });
      expect(owner.body).toMatchObject({ status: 'MERGED', mergedInto: codes.second });
    });

    it('checks the phone like the filing form does, without looking at any report', async () => {
      const { citizen, codes } = await twoReports();
      for (const [phone, code] of [
        ['0243 826 4147', 'PHONE_NOT_MOBILE'],
        ['12345', 'PHONE_FORMAT'],
      ]) {
        const res = await lookup({ trackingCode: codes.first, citizenId: citizen.citizenId, phone }, 'en').expect(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'phone', code })]);
        expect(res.text).not.toContain(phone);
      }
      await lookup({ trackingCode: codes.first, citizenId: citizen.citizenId, phone: 5 }).expect(400);
    });
  });
});
