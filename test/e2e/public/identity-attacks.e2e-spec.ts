import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { PiiCrypto } from '@phananh/core';
import { Role } from '@phananh/identity';
import { newTrackingCode } from '@phananh/reports';
import { Official, TestApp, binaryBody, createTestApp, newOfficial } from '@test/support';
import { Citizen, ReportBody, newCitizen, reportBody } from './report-bodies';

/** Two small real PNGs: the citizen's photos of the paper proof. */
const PHOTOS = [
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==',
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGOQkzsBQQxwFgA5CAYZ5O3E4gAAAABJRU5ErkJggg==',
].map((b) => Buffer.from(b, 'base64'));

/**
 * Issue 13's attacks on intake, played end to end: the attacker holds leaked identity numbers
 * (CCCD) and so their birth years (digits 4–6), but not the citizens' phones. They must get
 * no tracking code, learn nothing from status, body, headers or the work done, take no
 * citizen's place, and flood no identity past the limit.
 */
describe('an attacker who knows a CCCD and its birth year', () => {
  let t: TestApp;
  let officer: Official;
  const file = (body: ReportBody) => t.http.post('/api/v1/reports').send(body);
  const lookup = (trackingCode: string, citizenId: string) =>
    t.http.post('/api/v1/reports/lookup').send({ trackingCode, citizenId });
  /** What the attacker can make up: the CCCD's birth year on 1 January, any name, their own phone. */
  const forged = (victim: Citizen): Citizen => ({
    fullName: 'Trần Văn Giả',
    dateOfBirth: `${victim.dateOfBirth.slice(0, 4)}-01-01`,
    citizenId: victim.citizenId,
    phone: newCitizen().phone,
  });
  const ticket = async (code: string) =>
    (
      await t.db.query(
        `SELECT t.id, t.status, d.tracking_code AS "duplicateOf" FROM tickets t
         LEFT JOIN tickets d ON d.id = t.duplicate_of WHERE t.tracking_code = $1`,
        [code],
      )
    )[0];
  const openCount = async (citizenId: string) =>
    (
      await t.db.query(
        `SELECT count(*)::int AS n FROM tickets
         WHERE citizen_id_hash = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`,
        [t.app.get(PiiCrypto).blindIndex(citizenId)],
      )
    )[0].n;
  /** Every header but those that differ between any two answers (date, request id, body hash). */
  const headers = (res: Response) =>
    Object.entries(res.headers as Record<string, string>)
      .filter(([k]) => !['date', 'etag', 'x-request-id'].includes(k))
      .sort(([a], [b]) => a.localeCompare(b));

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { RATE_LIMIT_FILINGS_PER_MINUTE: '10000', RATE_LIMIT_LOOKUPS_PER_MINUTE: '10000' },
    });
    // The ward's station has an official: reports about doses given there are its own, and its files are in reach.
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
  });
  afterAll(() => t.close());

  it("(a) filing after the citizen gets a new code of its own, never the citizen's, and a lookup shows only its own report", async () => {
    const victim = newCitizen();
    const citizens = await file(reportBody(victim)).expect(201);
    const attack = await file(reportBody(forged(victim))).expect(201);
    const fresh = await file(reportBody(newCitizen())).expect(201);
    expect(attack.body.trackingCode).not.toBe(citizens.body.trackingCode);
    expect(attack.text).not.toContain(citizens.body.trackingCode);
    // The same status, the same body but for the code, the same headers as a citizen's first report.
    expect(attack.status).toBe(fresh.status);
    expect(Object.keys(attack.body)).toEqual(Object.keys(fresh.body));
    expect({ ...attack.body, trackingCode: '' }).toEqual({ ...fresh.body, trackingCode: '' });
    expect(headers(attack)).toEqual(headers(fresh));
    // With its own code and the CCCD, the attacker sees its own report, nothing of the citizen's.
    const own = await lookup(attack.body.trackingCode, victim.citizenId).expect(200);
    expect(own.body.trackingCode).toBe(attack.body.trackingCode);
    expect(own.body.timeline.map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED']);
    expect(own.text).not.toContain(citizens.body.trackingCode);
    // The citizen's report is untouched and still answers to its own code; officials see the two linked.
    expect((await lookup(citizens.body.trackingCode, victim.citizenId).expect(200)).body.status).toBe('ASSIGNED');
    expect((await ticket(attack.body.trackingCode)).duplicateOf).toBe(citizens.body.trackingCode);
  });

  it('(a) does the same work whether or not the CCCD has a report: the same statements, one filing statement', async () => {
    // Every statement, the DataSource's own and those of transactions, goes through a QueryRunner.
    const runner = t.app.get(DataSource).createQueryRunner();
    const QueryRunner = Object.getPrototypeOf(runner) as { query: (sql: string) => Promise<unknown> };
    await runner.release();
    // The process-wide caches (campaigns, staffed units) reload on a real-time TTL, whatever the request: set aside.
    const CACHE_LOADS = [
      /FROM campaigns c ORDER BY/,
      /^SELECT DISTINCT unit_code AS "unitCode" FROM users/,
      /FROM unit_distribution WHERE enabled$/,
    ];
    const statementsOf = async (send: () => Promise<Response>) => {
      const spy = jest.spyOn(QueryRunner, 'query');
      try {
        const res = await send();
        const sql = spy.mock.calls
          .map(([text]) => String(text).replace(/\s+/g, ' ').trim())
          .filter((text) => !CACHE_LOADS.some((re) => re.test(text)))
          // The per-identity lock spells its keys (from the blind index) into its text.
          .map((text) => text.replace(/'\{[-\d,]*\}'/, "'{keys}'"));
        return { res, sql };
      } finally {
        spy.mockRestore();
      }
    };
    const victim = newCitizen();
    await file(reportBody(victim)).expect(201);
    await file(reportBody(newCitizen())).expect(201); // caches warm
    const noReport = await statementsOf(() => file(reportBody(newCitizen())));
    const otherPhone = await statementsOf(() => file(reportBody(forged(victim))));
    const samePhone = await statementsOf(() => file(reportBody(victim)));
    expect(noReport.res.status).toBe(201);
    expect(otherPhone.res.status).toBe(201);
    expect(otherPhone.sql).toEqual(noReport.sql);
    // BEGIN with the identity number's lock, the one filing statement, COMMIT (no unit here
    // distributes its tickets automatically: that statement is skipped).
    expect(noReport.sql).toHaveLength(3);
    expect(noReport.sql[0]).toMatch(/^BEGIN; SELECT pg_advisory_xact_lock\(/);
    expect(noReport.sql[1]).toMatch(/^WITH input AS/);
    expect(noReport.sql[2]).toBe('COMMIT');
    expect(headers(otherPhone.res)).toEqual(headers(noReport.res));
    // The instrument sees a difference where there is one: the holder of the phone gets the earlier report.
    expect(samePhone.res.status).toBe(200);
    expect(samePhone.sql.length).toBeGreaterThan(noReport.sql.length);
  });

  it("(b) filing first takes nothing from the citizen: the citizen's later filing is a report of its own, with its photos", async () => {
    const victim = newCitizen();
    const attack = await file(reportBody(forged(victim))).expect(201);
    const filed = await t.http
      .post('/api/v1/reports')
      .field('report', JSON.stringify(reportBody(victim)))
      .attach('attachments', PHOTOS[0], { filename: 'giay-xac-nhan-1.png', contentType: 'image/png' })
      .attach('attachments', PHOTOS[1], { filename: 'giay-xac-nhan-2.png', contentType: 'image/png' })
      .expect(201);
    const code = filed.body.trackingCode;
    expect(code).not.toBe(attack.body.trackingCode);
    expect(await ticket(code)).toMatchObject({ status: 'ASSIGNED', duplicateOf: attack.body.trackingCode });
    // Both photos stored and attached: the official in reach opens each.
    const view = await t.http.get(`/api/v1/tickets/${code}`).set('Authorization', officer.bearer).expect(200);
    expect(view.body.attachments).toHaveLength(2);
    for (const a of view.body.attachments) {
      const res = await t.http
        .get(`/api/v1/tickets/${code}/attachments/${a.id}`)
        .set('Authorization', officer.bearer)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect((res.body as Buffer).subarray(0, 8)).toEqual(PHOTOS[0].subarray(0, 8));
    }
    // The citizen's lookup shows the citizen's report; the attacker's code shows only the attacker's.
    expect((await lookup(code, victim.citizenId).expect(200)).body.trackingCode).toBe(code);
    expect((await lookup(attack.body.trackingCode, victim.citizenId).expect(200)).text).not.toContain(code);
  });

  it('(c) a flood of one identity stops at the limit; another identity is unaffected; a withdrawal frees one place', async () => {
    const limit = t.config.OPEN_REPORTS_PER_CITIZEN;
    const victim = newCitizen();
    const codes: string[] = [];
    for (let i = 0; i < limit; i++) codes.push((await file(reportBody(forged(victim))).expect(201)).body.trackingCode);
    expect(new Set(codes).size).toBe(limit);
    const refused = await file(reportBody(forged(victim))).expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toEqual({
      type: 'urn:phananh:problem:too-many-open-reports',
      title: 'Số định danh này đã có quá nhiều phản ánh đang chờ xử lý',
      status: 409,
      detail: expect.stringContaining('rút lại'),
    });
    const en = await file(reportBody(forged(victim)))
      .set('Accept-Language', 'en')
      .expect(409);
    expect(en.body.title).toBe('This identity number already has too many open reports');
    // No number in it: not the identity number, not the phone, not even the limit.
    for (const res of [refused, en]) expect(`${res.body.title} ${res.body.detail}`).not.toMatch(/\d/);
    // Also about another issue, and from the citizen's own phone: the identity number is full.
    await file({ ...reportBody(victim), issueType: 'WRONG_DOSE_INFO' }).expect(409);
    expect(await openCount(victim.citizenId)).toBe(limit);
    // Operators see refusals counted, without whose.
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/phananh_reports_filed_total\{outcome="limit"\} [1-9]/);
    expect(metrics).not.toContain(victim.citizenId);
    // Someone else files as usual.
    await file(reportBody(newCitizen())).expect(201);
    // Withdrawing one (with its code and the CCCD) frees a place for one more, and only one.
    await t.http
      .post('/api/v1/reports/withdraw')
      .send({ trackingCode: codes[0], citizenId: victim.citizenId })
      .expect(200);
    await file(reportBody(victim)).expect(201);
    await file(reportBody(forged(victim))).expect(409);
    expect(await openCount(victim.citizenId)).toBe(limit);
  });

  it('(c) a simultaneous flood of one identity stops at the limit too, burst after burst', async () => {
    // Requests parsed in different turns of the event loop go out as several statements at
    // once; each runs under its identity numbers' advisory locks, so none judges the limit on a
    // snapshot that misses another's reports (without the lock, 5 to 8 of 40 got through).
    const limit = t.config.OPEN_REPORTS_PER_CITIZEN;
    for (let burst = 0; burst < 3; burst++) {
      const victim = newCitizen();
      const answers = await Promise.all(Array.from({ length: 8 * limit }, () => file(reportBody(forged(victim)))));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(limit);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7 * limit);
      expect(await openCount(victim.citizenId)).toBe(limit);
    }
  });

  it('(c) at the limit, the holder of the phone on file still gets the earlier report back (200)', async () => {
    const limit = t.config.OPEN_REPORTS_PER_CITIZEN;
    const victim = newCitizen();
    const first = await file(reportBody(victim)).expect(201);
    for (let i = 1; i < limit; i++) await file(reportBody(forged(victim))).expect(201);
    await file(reportBody(forged(victim))).expect(409);
    expect((await file(reportBody(victim)).expect(200)).body).toEqual(first.body);
  });

  // Its rate limit (the lookups' budget, 429 with Retry-After) is in rate-limits.e2e-spec.ts.
  it('(d) withdrawing with a wrong CCCD is the same 404 as an unknown code, and withdraws nothing', async () => {
    const victim = newCitizen();
    const { trackingCode } = (await file(reportBody(victim)).expect(201)).body;
    const wrong = await t.http
      .post('/api/v1/reports/withdraw')
      .send({ trackingCode, citizenId: newCitizen().citizenId })
      .expect(404);
    const unknown = await t.http
      .post('/api/v1/reports/withdraw')
      .send({ trackingCode: newTrackingCode(), citizenId: victim.citizenId })
      .expect(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(headers(wrong)).toEqual(headers(unknown));
    expect((await ticket(trackingCode)).status).toBe('ASSIGNED');
  });
});
