import { HOUR_MS, PiiCrypto, maskCitizenId, maskPhone } from '@phananh/core';
import { CampaignsService } from '@phananh/sla';
import { Role } from '@phananh/identity';
import { FakeClock } from '@phananh/core';
import { TicketStatus } from '@phananh/ticket-store';
import { TestApp, changeTicket, createTestApp, newOfficial } from '@test/support';
import { CONSENT, ReportBody, fieldCodes, newCitizen, reportBody } from './report-bodies';

const CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{3}$/;

describe('POST /api/v1/reports (docs/api.md, "Public")', () => {
  let t: TestApp;
  let clock: FakeClock;
  const file = (body: unknown, lang?: string) => {
    const req = t.http.post('/api/v1/reports');
    if (lang) req.set('Accept-Language', lang);
    return req.send(body as object);
  };
  const ticket = async (trackingCode: string) =>
    (await t.db.query(`SELECT * FROM tickets WHERE tracking_code = $1`, [trackingCode]))[0];

  beforeAll(async () => {
    clock = new FakeClock();
    t = await createTestApp({ clock, worker: false, env: { RATE_LIMIT_FILINGS_PER_MINUTE: '10000' } });
    // Ba Đình's health centre (001) and ward 00004 (Trúc Bạch) have officials; ward 00001 (Phúc Xá) has none.
    await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
  });
  afterAll(() => t.close());
  afterEach(() => clock.set('2021-11-03T08:00:00+07:00'));

  describe('a valid report', () => {
    it('answers 201 with the tracking code, status, instants, campaign and assigned unit', async () => {
      const res = await file(reportBody(newCitizen(), '00004')).expect(201);
      expect(res.body).toEqual({
        trackingCode: expect.stringMatching(CODE),
        status: 'ASSIGNED',
        receivedAt: '2021-11-03T08:00:00.000+07:00',
        dueAt: '2021-11-05T08:00:00.000+07:00',
        campaign: '2021-11',
        assignedUnit: { code: '00004', name: 'Trạm Y tế Phường Trúc Bạch', level: 'ward' },
      });
      expect(res.body.trackingCode.length).toBeLessThanOrEqual(16);
    });

    it('stores the identity number and phone encrypted, with a blind index, and the phone as +84…', async () => {
      const citizen = newCitizen();
      const res = await file(reportBody(citizen)).expect(201);
      const row = await ticket(res.body.trackingCode);
      const pii = t.app.get(PiiCrypto);
      expect(row.citizen_id_enc.toString('latin1')).not.toContain(citizen.citizenId);
      expect(pii.decrypt(row.citizen_id_enc)).toBe(citizen.citizenId);
      expect(row.citizen_id_hash.equals(pii.blindIndex(citizen.citizenId))).toBe(true);
      expect(pii.decrypt(row.phone_enc)).toBe(`+84${citizen.phone.slice(1)}`);
      // and masked as the lists show them, so that a list decrypts nothing
      expect(row.citizen_id_masked).toBe(maskCitizenId(citizen.citizenId));
      expect(row.phone_masked).toBe(maskPhone(`+84${citizen.phone.slice(1)}`));
      expect(row.citizen_name).toBe(citizen.fullName);
    });

    it('writes what the SLA engine needs and the public FILED and ASSIGNED events with it', async () => {
      const res = await file(reportBody(newCitizen(), '00004')).expect(201);
      const row = await ticket(res.body.trackingCode);
      expect(row).toMatchObject({ status: 'ASSIGNED', sla_stage: 0, unit_code: '00004', district_code: '001' });
      expect(row.province_code).toBe('01');
      expect(row.sla_next_at.toISOString()).toBe(new Date('2021-11-04T20:00:00+07:00').toISOString());
      const events = await t.db.query(
        `SELECT action, to_status, to_unit_code, is_public, at FROM ticket_events WHERE ticket_id = $1 ORDER BY id`,
        [row.id],
      );
      expect(events.map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED']);
      expect(events.every((e: { is_public: boolean }) => e.is_public)).toBe(true);
      expect(events[1]).toMatchObject({ to_status: 'ASSIGNED', to_unit_code: '00004' });
    });

    it('keeps the name exactly as typed, in NFC', async () => {
      const citizen = { ...newCitizen(), fullName: 'Trần Thị Ngọc Ánh'.normalize('NFD') };
      const res = await file(reportBody(citizen)).expect(201);
      expect((await ticket(res.body.trackingCode)).citizen_name).toBe('Trần Thị Ngọc Ánh'.normalize('NFC'));
    });
  });

  describe('routing', () => {
    it('goes to the station of the ward where the dose was given, when it has an official', async () => {
      const res = await file(reportBody(newCitizen(), '00004')).expect(201);
      expect(res.body.assignedUnit).toEqual({ code: '00004', name: 'Trạm Y tế Phường Trúc Bạch', level: 'ward' });
    });

    it('climbs to the district health centre when the ward has none', async () => {
      const res = await file(reportBody(newCitizen(), '00001')).expect(201);
      expect(res.body.assignedUnit).toEqual({ code: '001', name: 'Trung tâm Y tế Quận Ba Đình', level: 'district' });
    });

    it('climbs to the province when neither ward nor district has one', async () => {
      const res = await file(reportBody(newCitizen(), '00037')).expect(201);
      expect(res.body.assignedUnit).toMatchObject({ code: '01', level: 'province' });
    });

    it('uses the ward of residence when there is no dose', async () => {
      const body: ReportBody = {
        citizen: { ...newCitizen(), wardCode: '00004' },
        issueType: 'WRONG_PERSONAL_INFO',
        consent: CONSENT,
      };
      const res = await file(body).expect(201);
      expect(res.body.assignedUnit.code).toBe('00004');
    });

    it('sees a new official at once, and an island district is its own lowest unit', async () => {
      expect((await file(reportBody(newCitizen(), '755')).expect(201)).body.assignedUnit.code).toBe('77');
      await newOfficial(t, { role: Role.Officer, unitCode: '755' });
      const res = await file(reportBody(newCitizen(), '755')).expect(201);
      expect(res.body.assignedUnit).toEqual({ code: '755', name: 'Trung tâm Y tế Huyện Côn Đảo', level: 'district' });
    });
  });

  describe('deadlines, by the clock', () => {
    it('is received + 48 h inside the campaign, also on its last instant', async () => {
      clock.set('2021-11-10T23:59:59.999+07:00');
      const res = await file(reportBody()).expect(201);
      expect(res.body).toMatchObject({
        receivedAt: '2021-11-10T23:59:59.999+07:00',
        dueAt: '2021-11-12T23:59:59.999+07:00',
        campaign: '2021-11',
      });
    });

    it('is 48 h without a campaign, from the instant intake closes', async () => {
      clock.set('2021-11-11T00:00:00+07:00');
      const res = await file(reportBody()).expect(201);
      expect(res.body).toMatchObject({ dueAt: '2021-11-13T00:00:00.000+07:00', campaign: null });
      clock.set('2021-11-02T23:59:59.999+07:00');
      const before = await file({ ...reportBody(), dose: { ...reportBody().dose!, vaccinatedOn: '2021-11-01' } });
      expect(before.status).toBe(201);
      expect(before.body).toMatchObject({ dueAt: '2021-11-04T23:59:59.999+07:00', campaign: null });
    });

    it('is capped by the cutoff of the campaign the report belongs to', async () => {
      await t.db.query(
        `INSERT INTO campaigns (code, name, intake_from, intake_to, cutoff_at, handling_hours, created_at)
         VALUES ('2022-03', 'Clean-up', '2022-03-01T00:00:00+07:00', '2022-03-10T00:00:00+07:00',
                 '2022-03-11T00:00:00+07:00', 48, now())`,
      );
      t.app.get(CampaignsService).invalidate();
      clock.set('2022-03-09T12:00:00+07:00');
      const res = await file(reportBody()).expect(201);
      expect(res.body).toMatchObject({ campaign: '2022-03', dueAt: '2022-03-11T00:00:00.000+07:00' });
      const row = await ticket(res.body.trackingCode);
      expect(row.due_at.getTime() - row.received_at.getTime()).toBe(36 * HOUR_MS);
    });
  });

  // Issue 13: a duplicate needs the phone too. Before it, the same identity number, issue and
  // dose alone answered 200 with the earlier report, handing its tracking code to anyone who
  // knew the identity number; these tests now pin the rule with the phone.
  describe('duplicates', () => {
    const countOf = async (citizenId: string) =>
      (
        await t.db.query(`SELECT count(*)::int AS count FROM tickets WHERE citizen_id_hash = $1`, [
          t.app.get(PiiCrypto).blindIndex(citizenId),
        ])
      )[0].count;

    it('answers 200 with the earlier report while it is open, to the same identity number, issue, dose and phone', async () => {
      const citizen = newCitizen();
      const first = await file(reportBody(citizen)).expect(201);
      clock.advance(HOUR_MS);
      const again = await file({ ...reportBody(citizen), description: 'gửi lại' }).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await countOf(citizen.citizenId)).toBe(1);
      // The phone as typed in another form is the same phone.
      const spaced = `+84 ${citizen.phone.slice(1, 4)} ${citizen.phone.slice(4)}`;
      const typed = await file(reportBody({ ...citizen, phone: spaced })).expect(200);
      expect(typed.body).toEqual(first.body);
    });

    it('files a report of its own (201, its own code) from another phone or without one, linked to the earlier one', async () => {
      const citizen = newCitizen();
      const first = await file(reportBody(citizen)).expect(201);
      const otherPhone = await file(reportBody({ ...citizen, phone: newCitizen().phone })).expect(201);
      const { phone: _phone, ...withoutPhone } = citizen;
      const noPhone = await file(reportBody(withoutPhone as typeof citizen)).expect(201);
      const again = await file(reportBody(withoutPhone as typeof citizen)).expect(201);
      const codes = [first, otherPhone, noPhone, again].map((r) => r.body.trackingCode);
      expect(new Set(codes).size).toBe(4);
      // The same answer as anyone's first report: nothing in it points to the earlier one.
      expect(Object.keys(otherPhone.body)).toEqual(Object.keys(first.body));
      expect({ ...otherPhone.body, trackingCode: first.body.trackingCode }).toEqual(first.body);
      const rows = await t.db.query(
        `SELECT t.tracking_code AS code, d.tracking_code AS "duplicateOf"
         FROM tickets t LEFT JOIN tickets d ON d.id = t.duplicate_of WHERE t.tracking_code = ANY($1) ORDER BY t.id`,
        [codes],
      );
      expect(rows).toEqual([
        { code: codes[0], duplicateOf: null },
        { code: codes[1], duplicateOf: codes[0] },
        { code: codes[2], duplicateOf: codes[0] },
        { code: codes[3], duplicateOf: codes[0] },
      ]);
      // The original phone still finds its own report.
      expect((await file(reportBody(citizen)).expect(200)).body).toEqual(first.body);
    });

    it('files a new report for another dose number or issue type, or once the earlier one is closed', async () => {
      const citizen = newCitizen();
      const first = await file(reportBody(citizen)).expect(201);
      const otherDose = reportBody(citizen);
      otherDose.dose!.doseNumber = 1;
      await file(otherDose).expect(201);
      await file({ ...reportBody(citizen), issueType: 'WRONG_DOSE_INFO' }).expect(201);
      await changeTicket(t, first.body.trackingCode, { status: TicketStatus.Resolved, closedAt: t.clock.now() });
      const again = await file(reportBody(citizen)).expect(201);
      expect(again.body.trackingCode).not.toBe(first.body.trackingCode);
    });

    it('lets only one of many simultaneous identical filings create a report', async () => {
      const body = reportBody();
      const answers = await Promise.all(Array.from({ length: 8 }, () => file(body)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.trackingCode)).size).toBe(1);
    });
  });

  describe('Idempotency-Key', () => {
    const withKey = (key: string, body: unknown) =>
      t.http
        .post('/api/v1/reports')
        .set('Idempotency-Key', key)
        .send(body as object);

    it('replays the first answer, status included, for a retry with the same body', async () => {
      const body = reportBody();
      const first = await withKey('retry-1', body).expect(201);
      clock.advance(23 * HOUR_MS);
      const again = await withKey('retry-1', JSON.parse(JSON.stringify(body))).expect(201);
      expect(again.body).toEqual(first.body);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM tickets WHERE tracking_code = $1`, [
        first.body.trackingCode,
      ]);
      expect(count).toBe(1);
    });

    it('treats the same fields in another order as the same body', async () => {
      const body = reportBody();
      const first = await withKey('retry-order', body).expect(201);
      const reordered = {
        description: body.description,
        dose: body.dose,
        issueType: body.issueType,
        citizen: body.citizen,
        consent: body.consent,
      };
      expect((await withKey('retry-order', reordered).expect(201)).body).toEqual(first.body);
    });

    it('answers 422 for the same key with another body', async () => {
      const body = reportBody();
      await withKey('retry-2', body).expect(201);
      const res = await withKey('retry-2', { ...body, description: 'khác' })
        .set('Accept-Language', 'en')
        .expect(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 422, type: 'urn:phananh:problem:idempotency-key-reused' });
      const vi = await withKey('retry-2', { ...body, description: 'khác' }).expect(422);
      expect(vi.body.title).toMatch(/Idempotency-Key/);
    });

    it('replays a duplicate as a duplicate (200)', async () => {
      const citizen = newCitizen();
      const first = await file(reportBody(citizen)).expect(201);
      const dup = await withKey('retry-dup', reportBody(citizen)).expect(200);
      expect(dup.body).toEqual(first.body);
      await changeTicket(t, first.body.trackingCode, { status: TicketStatus.Resolved });
      expect((await withKey('retry-dup', reportBody(citizen)).expect(200)).body).toEqual(first.body);
    });

    it('forgets a key after 24 hours', async () => {
      const body = reportBody();
      const first = await withKey('retry-3', body).expect(201);
      clock.advance(24 * HOUR_MS + 1);
      // The same body again: no replay, but the first report is still open, so 200 with it.
      const later = await withKey('retry-3', { ...body, description: 'x' }).expect(200);
      expect(later.body.trackingCode).toBe(first.body.trackingCode);
    });

    it('gives simultaneous retries the one first answer', async () => {
      const body = reportBody();
      const answers = await Promise.all(Array.from({ length: 6 }, () => withKey('retry-race', body)));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
      for (const a of answers) expect(a.body).toEqual(answers[0].body);
      const [{ count }] = await t.db.query(
        `SELECT count(*)::int AS count FROM idempotency_keys WHERE key LIKE '%retry-race'`,
      );
      expect(count).toBe(1);
    });

    it('refuses a malformed key', async () => {
      const res = await withKey('x'.repeat(256), reportBody()).expect(400);
      expect(fieldCodes(res.body)).toEqual(['Idempotency-Key:IDEMPOTENCY_KEY_INVALID']);
    });
  });

  describe('validation, in Vietnamese and English', () => {
    const expectNoPii = (res: { text: string }, ...secrets: string[]) => {
      for (const s of secrets) expect(res.text).not.toContain(s);
    };

    it('reports an identity number that disagrees with the date of birth on citizen.citizenId', async () => {
      const citizen = newCitizen({ year: 1990 });
      const body = reportBody({ ...citizen, dateOfBirth: '2001-01-01' });
      const vi = await file(body).expect(400);
      expect(vi.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(vi.body).toMatchObject({ type: 'urn:phananh:problem:validation-failed', title: 'Dữ liệu không hợp lệ' });
      expect(vi.body.errors).toEqual([
        {
          field: 'citizen.citizenId',
          code: 'CITIZEN_ID_BIRTH_MISMATCH',
          message: 'Số CCCD không khớp với ngày sinh (chữ số thế kỷ, giới tính và năm sinh)',
        },
      ]);
      const en = await file(body, 'en').expect(400);
      expect(en.body.title).toBe('The request is not valid');
      expect(en.body.errors[0].message).toBe(
        'The CCCD does not agree with the date of birth (century, gender and year digits)',
      );
      expectNoPii(vi, citizen.citizenId, citizen.phone);
      expectNoPii(en, citizen.citizenId, citizen.phone);
    });

    it('gives a 9-digit CMND its own message about the CCCD required since 01 Nov 2021', async () => {
      const body = reportBody({ ...newCitizen(), citizenId: '012345678' });
      const vi = await file(body).expect(400);
      expect(vi.body.errors).toEqual([
        expect.objectContaining({ field: 'citizen.citizenId', code: 'CITIZEN_ID_CMND' }),
      ]);
      expect(vi.body.errors[0].message).toMatch(/01\/11\/2021/);
      const en = await file(body, 'en').expect(400);
      expect(en.body.errors[0].message).toMatch(/since 01 Nov 2021/);
      expectNoPii(vi, '012345678');
      expectNoPii(en, '012345678');
    });

    it('refuses an identity number whose province code does not exist', async () => {
      const res = await file(reportBody({ ...newCitizen({ year: 1990 }), citizenId: '003090123456' })).expect(400);
      expect(fieldCodes(res.body)).toEqual(['citizen.citizenId:CITIZEN_ID_PROVINCE']);
    });

    it('refuses a landline and a non-Vietnamese number, without repeating them', async () => {
      const landline = await file(reportBody({ ...newCitizen(), phone: '02438251234' }), 'en').expect(400);
      expect(landline.body.errors).toEqual([
        {
          field: 'citizen.phone',
          code: 'PHONE_NOT_MOBILE',
          message: 'A mobile number is required (landlines are not accepted)',
        },
      ]);
      expectNoPii(landline, '02438251234', '2438251234');
      const foreign = await file(reportBody({ ...newCitizen(), phone: '+12025550100' })).expect(400);
      expect(fieldCodes(foreign.body)).toEqual(['citizen.phone:PHONE_FORMAT']);
      expectNoPii(foreign, '2025550100');
    });

    it('accepts +84… and stores every form the same way', async () => {
      const citizen = { ...newCitizen(), phone: '+84 912 345 678' };
      const res = await file(reportBody(citizen)).expect(201);
      expect(t.app.get(PiiCrypto).decrypt((await ticket(res.body.trackingCode)).phone_enc)).toBe('+84912345678');
    });

    it('takes doseNumber 1 to 5', async () => {
      for (const [n, code] of [
        [0, 'min'],
        [6, 'max'],
        [1.5, 'isInt'],
      ] as const) {
        const body = reportBody();
        body.dose!.doseNumber = n;
        expect(fieldCodes((await file(body).expect(400)).body)).toEqual([`dose.doseNumber:${code}`]);
      }
      const five = reportBody();
      five.dose!.doseNumber = 5;
      await file(five).expect(201);
    });

    it('takes vaccinatedOn from 2021-03-08 to the day of filing', async () => {
      const at = (date: string) => {
        const body = reportBody();
        body.dose!.vaccinatedOn = date;
        return file(body);
      };
      await at('2021-03-08').expect(201);
      await at('2021-11-03').expect(201);
      expect(fieldCodes((await at('2021-03-07').expect(400)).body)).toEqual([
        'dose.vaccinatedOn:VACCINATED_BEFORE_PROGRAMME',
      ]);
      expect(fieldCodes((await at('2021-11-04').expect(400)).body)).toEqual(['dose.vaccinatedOn:VACCINATED_IN_FUTURE']);
      // Just before midnight UTC+7 it is still 3 Nov; a minute later it is 4 Nov.
      clock.set('2021-11-03T23:59:00+07:00');
      await at('2021-11-04').expect(400);
      clock.set('2021-11-04T00:00:00+07:00');
      await at('2021-11-04').expect(201);
    });

    it('takes a real date of birth that is not in the future', async () => {
      const body = reportBody({ ...newCitizen({ year: 1990 }), dateOfBirth: '1990-02-30' });
      expect(fieldCodes((await file(body).expect(400)).body)).toEqual(['citizen.dateOfBirth:calendarDate']);
      const future = reportBody({ ...newCitizen({ year: 2021 }), dateOfBirth: '2021-11-04' });
      future.dose!.vaccinatedOn = '2021-11-03';
      expect(fieldCodes((await file(future).expect(400)).body)).toEqual(['citizen.dateOfBirth:DATE_OF_BIRTH_FUTURE']);
    });

    it('takes a vaccine code from the list and a ward-level code (or an island district)', async () => {
      const body = reportBody();
      body.dose!.vaccineCode = 'NOT_A_VACCINE';
      body.dose!.wardCode = '001';
      const res = await file(body, 'en').expect(400);
      expect(res.body.errors).toEqual([
        { field: 'dose.vaccineCode', code: 'VACCINE_UNKNOWN', message: 'Not a vaccine code from the list' },
        {
          field: 'dose.wardCode',
          code: 'WARD_CODE_UNKNOWN',
          message: 'Must be a ward-level code from the 2021 list (or an island district without wards)',
        },
      ]);
      await file(reportBody(newCitizen(), '318')).expect(201);
    });

    it('needs the dose for MISSING_DOSE and WRONG_DOSE_INFO, and the ward of residence without a dose', async () => {
      for (const issueType of ['MISSING_DOSE', 'WRONG_DOSE_INFO']) {
        const res = await file({ citizen: { ...newCitizen(), wardCode: '00001' }, issueType, consent: CONSENT }).expect(
          400,
        );
        expect(fieldCodes(res.body)).toEqual(['dose:DOSE_REQUIRED']);
      }
      const res = await file({ citizen: newCitizen(), issueType: 'DUPLICATE_RECORD', consent: CONSENT }).expect(400);
      expect(fieldCodes(res.body)).toEqual(['citizen.wardCode:WARD_CODE_REQUIRED']);
      const residence = { ...newCitizen(), wardCode: '00001' };
      await file({ citizen: residence, issueType: 'DUPLICATE_RECORD', consent: CONSENT }).expect(201);
    });

    it('refuses an unknown issue type, and unknown fields on their dotted paths', async () => {
      const body = reportBody() as ReportBody & Record<string, unknown>;
      body.issueType = 'COMPLAINT';
      body.urgent = true;
      // (citizen.email is a field since issue 15: a malformed one is its own error.)
      (body.citizen as Record<string, unknown>).nickname = 'An';
      (body.citizen as Record<string, unknown>).email = 'not an address';
      (body.dose as Record<string, unknown>).batch = 'x';
      const res = await file(body).expect(400);
      expect(fieldCodes(res.body).sort()).toEqual(
        [
          'citizen.nickname:whitelistValidation',
          'citizen.email:isEmail',
          'dose.batch:whitelistValidation',
          'issueType:isEnum',
          'urgent:whitelistValidation',
        ].sort(),
      );
      expect(res.body.errors.find((e: { field: string }) => e.field === 'urgent').message).toBe(
        'Trường này không được phép',
      );
    });

    it('bounds lengths', async () => {
      const body = reportBody();
      body.description = 'x'.repeat(2001);
      body.citizen.fullName = 'A'.repeat(101);
      const res = await file(body, 'en').expect(400);
      expect(res.body.errors).toEqual([
        { field: 'citizen.fullName', code: 'maxLength', message: 'Must be at most 100 characters long' },
        { field: 'description', code: 'maxLength', message: 'Must be at most 2000 characters long' },
      ]);
    });

    it('names every missing field', async () => {
      const res = await file({}).expect(400);
      expect(fieldCodes(res.body)).toEqual(['citizen:isDefined', 'issueType:isDefined', 'consent:isDefined']);
      const partial = await file({ citizen: {}, issueType: 'OTHER', consent: CONSENT }).expect(400);
      expect(fieldCodes(partial.body)).toEqual([
        'citizen.fullName:isDefined',
        'citizen.dateOfBirth:isDefined',
        'citizen.citizenId:isDefined',
        'citizen.wardCode:WARD_CODE_REQUIRED',
      ]);
    });

    it('answers malformed JSON with 400, a body over 100 kB with 413, other media types with 415', async () => {
      const malformed = await t.http
        .post('/api/v1/reports')
        .set('Content-Type', 'application/json')
        .send('{"citizen":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.type).toBe('urn:phananh:problem:malformed-json');
      const big = await t.http
        .post('/api/v1/reports')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...reportBody(), description: 'x'.repeat(110_000) }));
      expect(big.status).toBe(413);
      const text = await t.http.post('/api/v1/reports').set('Content-Type', 'text/plain').send('hello');
      expect(text.status).toBe(415);
      expect(text.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('documentation and metrics', () => {
    it('documents the public endpoints in the OpenAPI document', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/reports', '/api/v1/reports/lookup', '/api/v1/reports/withdraw']),
      );
      const filing = doc.paths['/api/v1/reports'].post;
      expect(Object.keys(filing.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
      expect(Object.keys(filing.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '409', '422', '429']));
      const withdrawal = doc.paths['/api/v1/reports/withdraw'].post;
      expect(Object.keys(withdrawal.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '429']));
      expect(doc.components.schemas.FileReportDto.properties.citizen).toBeDefined();
    });

    it('counts filings by outcome, without personal data in labels', async () => {
      const citizen = newCitizen();
      await file(reportBody(citizen)).expect(201);
      await file(reportBody(citizen)).expect(200);
      const metrics = (await t.http.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/phananh_reports_filed_total\{outcome="created"\} \d+/);
      expect(metrics).toMatch(/phananh_reports_filed_total\{outcome="duplicate"\} \d+/);
      expect(metrics).not.toContain(citizen.citizenId);
    });
  });
});
