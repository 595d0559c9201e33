import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { newTrackingCode } from '@phananh/reports';
import { TicketStatus } from '@phananh/ticket-store';
import { Official, TestApp, changeTicket, createTestApp, eventually, newOfficial } from '@test/support';
import { alertsOf, sweepsRun } from '../sla/sla-helpers';
import { Citizen, newCitizen, reportBody } from './report-bodies';

/**
 * POST /api/v1/reports/withdraw (docs/api.md, "Withdrawing a report"): the citizen ends an
 * open report with its tracking code and identity number; its deadline and alerts stop, and
 * officials see the withdrawal in its history. On the real worker, so that the SLA sweeper
 * gets its chance to alert.
 */
describe('POST /api/v1/reports/withdraw', () => {
  let t: TestApp;
  let clock: FakeClock;
  let officer: Official;
  const withdraw = (body: object, lang?: string) => {
    const req = t.http.post('/api/v1/reports/withdraw');
    if (lang) req.set('Accept-Language', lang);
    return req.send(body);
  };
  const fileOne = async (citizen: Citizen = newCitizen()) => {
    const res = await t.http.post('/api/v1/reports').send(reportBody(citizen, '00001')).expect(201);
    return { citizen, code: res.body.trackingCode as string };
  };
  const row = async (code: string) =>
    (
      await t.db.query(
        `SELECT id, status, closed_at, sla_next_at, version, duplicate_of FROM tickets WHERE tracking_code = $1`,
        [code],
      )
    )[0];
  // The clock moves by days here: a token issued on it per request.
  const bearer = () => `Bearer ${t.app.get(AuthService).issue(officer.user).accessToken}`;

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({
      clock,
      env: { RATE_LIMIT_LOOKUPS_PER_MINUTE: '10000', RATE_LIMIT_FILINGS_PER_MINUTE: '10000' },
    });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
  });
  afterAll(() => t.close());

  it('withdraws an open report: 200 with its public view, WITHDRAWN, closed now, no further deadline', async () => {
    const { citizen, code } = await fileOne();
    const before = await row(code);
    clock.advance(HOUR_MS);
    const res = await withdraw({ trackingCode: code.toLowerCase(), citizenId: citizen.citizenId }).expect(200);
    expect(res.body).toMatchObject({ trackingCode: code, status: 'WITHDRAWN', resolution: null, rejection: null });
    expect(res.body.timeline.map((e: { action: string }) => e.action)).toEqual(['FILED', 'ASSIGNED', 'WITHDRAWN']);
    expect(res.body.timeline[2]).toEqual({ at: '2021-11-03T09:00:00.000+07:00', action: 'WITHDRAWN', unitName: null });
    expect(res.text).not.toContain(citizen.citizenId);
    const after = await row(code);
    expect(after).toMatchObject({ status: 'WITHDRAWN', sla_next_at: null, version: before.version + 1 });
    expect(after.closed_at).toEqual(clock.now());
    // The lookup shows the same, and the citizen may file the same report again later.
    const lookup = await t.http
      .post('/api/v1/reports/lookup')
      .send({ trackingCode: code, citizenId: citizen.citizenId })
      .expect(200);
    expect(lookup.body).toEqual(res.body);
    const again = await t.http.post('/api/v1/reports').send(reportBody(citizen, '00001')).expect(201);
    expect(again.body.trackingCode).not.toBe(code);
  });

  it('shows officials the withdrawal in the history, by nobody of theirs, from whatever open status', async () => {
    const { citizen, code } = await fileOne();
    await t.http.post(`/api/v1/tickets/${code}/start`).set('Authorization', bearer()).expect(200);
    await withdraw({ trackingCode: code, citizenId: citizen.citizenId }).expect(200);
    const ticket = (await t.http.get(`/api/v1/tickets/${code}`).set('Authorization', bearer()).expect(200)).body;
    expect(ticket.status).toBe('WITHDRAWN');
    const entry = ticket.history.find((e: { action: string }) => e.action === 'WITHDRAWN');
    expect(entry).toMatchObject({ actor: null, fromStatus: 'IN_PROGRESS', toStatus: 'WITHDRAWN' });
    expect(entry.note).toMatch(/citizen/);
    // No workflow action applies to it any more.
    await t.http
      .post(`/api/v1/tickets/${code}/resolve`)
      .set('Authorization', bearer())
      .send({ resolution: 'x' })
      .expect(409);
  });

  it('answers 409 report-closed for a report already closed, in Vietnamese and English, and changes nothing', async () => {
    const { citizen, code } = await fileOne();
    await withdraw({ trackingCode: code, citizenId: citizen.citizenId }).expect(200);
    const vi = await withdraw({ trackingCode: code, citizenId: citizen.citizenId }).expect(409);
    expect(vi.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(vi.body).toMatchObject({
      type: 'urn:phananh:problem:report-closed',
      status: 409,
      title: 'Phản ánh này đã kết thúc, không thể rút lại',
    });
    const resolved = await fileOne();
    await changeTicket(t, resolved.code, { status: TicketStatus.Resolved, closedAt: clock.now() });
    const before = await row(resolved.code);
    const en = await withdraw({ trackingCode: resolved.code, citizenId: resolved.citizen.citizenId }, 'en').expect(409);
    expect(en.body.title).toBe('This report is already closed and cannot be withdrawn');
    expect(await row(resolved.code)).toEqual(before);
  });

  it('answers a wrong identity number exactly like an unknown code (404), and changes nothing', async () => {
    const { citizen, code } = await fileOne();
    const before = await row(code);
    const wrongId = await withdraw({ trackingCode: code, citizenId: newCitizen().citizenId }).expect(404);
    const unknown = await withdraw({ trackingCode: newTrackingCode(), citizenId: citizen.citizenId }).expect(404);
    expect(wrongId.body).toEqual(unknown.body);
    expect(wrongId.body).toEqual({
      type: 'urn:phananh:problem:report-not-found',
      title: 'Không tìm thấy phản ánh với mã tra cứu và số định danh này',
      status: 404,
      detail: 'Không tìm thấy phản ánh với mã tra cứu và số định danh này',
    });
    const headers = (h: Record<string, string>) =>
      Object.keys(h)
        .filter((k) => !['date', 'etag', 'x-request-id'].includes(k))
        .sort()
        .map((k) => `${k}: ${h[k]}`);
    expect(headers(wrongId.headers)).toEqual(headers(unknown.headers));
    expect(await row(code)).toEqual(before);
  });

  it('catches a mistyped code by its check symbol and validates the body like the lookup', async () => {
    const { citizen, code } = await fileOne();
    const typo = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
    const res = await withdraw({ trackingCode: typo, citizenId: citizen.citizenId }).expect(400);
    expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual(['TRACKING_CODE_INVALID']);
    const bad = await withdraw({ trackingCode: 5, extra: 1 }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'citizenId',
      'extra',
      'trackingCode',
    ]);
    expect((await row(code)).status).toBe('ASSIGNED');
  });

  it('stops the deadline and its alerts: no alert fires for it when the clock passes the deadline', async () => {
    const kept = await fileOne();
    const gone = await fileOne();
    await withdraw({ trackingCode: gone.code, citizenId: gone.citizen.citizenId }).expect(200);
    // Past both deadlines and their escalation: the report kept open alerts, the withdrawn one never.
    clock.advance(72 * HOUR_MS);
    const keptId = (await row(kept.code)).id;
    await eventually(async () => (await alertsOf(t, keptId, 'OVERDUE')).length > 0, 15_000);
    await sweepsRun(t);
    expect(await alertsOf(t, (await row(gone.code)).id)).toEqual([]);
    const [after] = await t.db.query(`SELECT overdue_since, sla_next_at FROM tickets WHERE tracking_code = $1`, [
      gone.code,
    ]);
    expect(after).toEqual({ overdue_since: null, sla_next_at: null });
  });
});
