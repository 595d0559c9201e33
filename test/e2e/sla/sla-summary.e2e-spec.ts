import { FakeClock, HOUR_MS } from '@phananh/core';
import { Role } from '@phananh/identity';
import { QueueName } from '@phananh/queue';
import { TicketAction, TicketStatus } from '@phananh/ticket-store';
import {
  Official,
  TestApp,
  addTicketEvents,
  binaryBody,
  createTestApp,
  eventually,
  newOfficial,
  newTicket,
} from '@test/support';

const NOW = '2021-11-08T12:00:00+07:00';
const hoursBefore = (h: number) => new Date(new Date(NOW).getTime() - h * HOUR_MS);

/** SLA figures computed from tickets and their history; the queue dashboard and queue metrics for operators. */
describe('SLA figures', () => {
  let t: TestApp;
  const people: Record<string, Official> = {};

  async function closedTicket(
    unitCode: string,
    status: TicketStatus,
    receivedHoursAgo: number,
    closedHoursAgo: number,
  ) {
    const closedAt = hoursBefore(closedHoursAgo);
    const ticket = await newTicket(t, { unitCode, status, receivedAt: hoursBefore(receivedHoursAgo), closedAt });
    const action = status === TicketStatus.Resolved ? TicketAction.Resolved : TicketAction.Rejected;
    await addTicketEvents(t, [
      { ticketId: ticket.id, at: closedAt, action, fromStatus: TicketStatus.Assigned, toStatus: status },
    ]);
    return ticket;
  }

  beforeAll(async () => {
    t = await createTestApp({ clock: new FakeClock(NOW) });
    for (const [name, role, unit] of [
      ['officer', Role.Officer, '00001'],
      ['supervisor-district', Role.Supervisor, '001'],
      ['supervisor-ward', Role.Supervisor, '00004'],
      ['admin', Role.Admin, null],
    ] as const) {
      people[name] = await newOfficial(t, { role, unitCode: unit, username: name });
    }
    // Ward 00001: 3 open in time, 1 open overdue, 2 resolved on time (within the last 6 hours),
    // 1 resolved late (yesterday), 1 rejected (a week ago).
    for (let i = 0; i < 3; i++) await newTicket(t, { unitCode: '00001', receivedAt: hoursBefore(20) });
    await newTicket(t, { unitCode: '00001', receivedAt: hoursBefore(100) });
    await closedTicket('00001', TicketStatus.Resolved, 30, 1);
    await closedTicket('00001', TicketStatus.Resolved, 30, 2);
    await closedTicket('00001', TicketStatus.Resolved, 110, 24);
    await closedTicket('00001', TicketStatus.Rejected, 120, 100);
    // Ward 00004: 2 open, nothing closed lately.
    await newTicket(t, { unitCode: '00004', receivedAt: hoursBefore(10) });
    await newTicket(t, { unitCode: '00004', receivedAt: hoursBefore(10) });
    // The district's own health centre holds one; another province holds one.
    await newTicket(t, { unitCode: '001', receivedAt: hoursBefore(5) });
    await newTicket(t, { unitCode: '26740', receivedAt: hoursBefore(5) });
    // Outside any campaign (received before it began).
    await newTicket(t, {
      unitCode: '00001',
      receivedAt: new Date('2021-11-01T08:00:00+07:00'),
      status: TicketStatus.Resolved,
    });
  });
  afterAll(() => t.close());

  const get = (who: string, query = '') =>
    t.http.get(`/api/v1/sla/summary${query}`).set('Authorization', people[who].bearer);

  it('gives a supervisor a row for the own centre and one per ward below, with totals', async () => {
    const res = await get('supervisor-district').expect(200);
    expect(res.body.unit).toEqual({ code: '001', name: 'Trung tâm Y tế Quận Ba Đình', level: 'district' });
    expect(res.body.campaign).toBeNull();
    expect(res.body.rows).toHaveLength(15);
    expect(res.body.rows[0]).toMatchObject({ unit: { code: '001' }, received: 1, open: 1 });
    const ward = res.body.rows.find((r: { unit: { code: string } }) => r.unit.code === '00001');
    expect(ward).toEqual({
      unit: { code: '00001', name: 'Trạm Y tế Phường Phúc Xá', level: 'ward' },
      received: 9,
      open: 4,
      overdue: 1,
      resolvedOnTime: 3,
      resolvedLate: 1,
      rejected: 1,
      onTimeRate: 0.75,
      atRisk: false,
    });
    const other = res.body.rows.find((r: { unit: { code: string } }) => r.unit.code === '00004');
    expect(other).toMatchObject({ received: 2, open: 2, overdue: 0, onTimeRate: null, atRisk: true });
    const empty = res.body.rows.find((r: { unit: { code: string } }) => r.unit.code === '00006');
    expect(empty).toMatchObject({ received: 0, open: 0, atRisk: false, onTimeRate: null });
    expect(res.body.total).toEqual({
      unit: res.body.unit,
      received: 12,
      open: 7,
      overdue: 1,
      resolvedOnTime: 3,
      resolvedLate: 1,
      rejected: 1,
      onTimeRate: 0.75,
      atRisk: false,
    });
  });

  it('filters by campaign, and refuses an unknown one', async () => {
    const res = await get('supervisor-district', '?unitCode=00001&campaign=2021-11').expect(200);
    expect(res.body.campaign).toBe('2021-11');
    expect(res.body.rows).toEqual([expect.objectContaining({ unit: expect.objectContaining({ code: '00001' }) })]);
    expect(res.body.total).toMatchObject({ received: 8, resolvedOnTime: 2, onTimeRate: 0.6667 });
    const bad = await get('supervisor-district', '?campaign=1999-01').expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'campaign', code: 'campaignUnknown' })]);
  });

  it('forecasts the risk from the recent pace: no closures and open tickets means at risk', async () => {
    // 2 closures in the last 6 hours (one per 3 hours) against 4 open and 108 hours left: safe.
    const ward = await get('supervisor-district', '?unitCode=00001').expect(200);
    expect(ward.body.total.atRisk).toBe(false);
    // 60 more open tickets at that pace cannot be finished by the cutoff (36 more closures at most).
    for (let i = 0; i < 60; i++) await newTicket(t, { unitCode: '00001', receivedAt: hoursBefore(1) });
    const swamped = await get('supervisor-district', '?unitCode=00001').expect(200);
    expect(swamped.body.total).toMatchObject({ open: 64, atRisk: true });
    await t.db.query(`DELETE FROM tickets WHERE received_at = $1 AND unit_code = '00001'`, [hoursBefore(1)]);
  });

  it('keeps an officer to the own unit, and answers 404 for any unit outside the reach', async () => {
    const own = await get('officer').expect(200);
    expect(own.body.unit.code).toBe('00001');
    expect(own.body.rows.map((r: { unit: { code: string } }) => r.unit.code)).toEqual(['00001']);
    await get('officer', '?unitCode=001').expect(404);
    await get('officer', '?unitCode=00004').expect(404);
    await get('supervisor-ward', '?unitCode=001').expect(404);
    await get('supervisor-district', '?unitCode=01').expect(404);
    await get('supervisor-district', '?unitCode=79').expect(404);
    const unknown = await get('supervisor-district', '?unitCode=99999').expect(404);
    expect(unknown.body).toEqual(
      expect.objectContaining({ type: 'urn:phananh:problem:not-found', title: 'Không tìm thấy' }),
    );
    await get('supervisor-district', '?unitCode=abc').expect(400);
    await t.http.get('/api/v1/sla/summary').expect(401);
  });

  it('gives an admin the whole country by province', async () => {
    const res = await get('admin').expect(200);
    expect(res.body.unit).toBeNull();
    expect(res.body.rows).toHaveLength(63);
    const hanoi = res.body.rows.find((r: { unit: { code: string } }) => r.unit.code === '01');
    const hcm = res.body.rows.find((r: { unit: { code: string } }) => r.unit.code === '79');
    expect(hanoi).toMatchObject({ received: 12, open: 7 });
    expect(hcm).toMatchObject({ received: 1, open: 1 });
    expect(res.body.total).toMatchObject({ unit: null, received: 13, open: 8 });
  });

  it('serves the same figures as CSV with a BOM, for Excel', async () => {
    const res = await t.http
      .get('/api/v1/sla/summary.csv?unitCode=001')
      .set('Authorization', people['supervisor-district'].bearer)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="sla-001.csv"');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'Mã đơn vị,Đơn vị,Tiếp nhận,Đang mở,Quá hạn,Xử lý đúng hạn,Xử lý trễ hạn,Từ chối,Tỷ lệ đúng hạn,Nguy cơ không kịp hạn chót',
    );
    expect(lines).toHaveLength(1 + 15 + 1);
    expect(lines).toContain('00001,Trạm Y tế Phường Phúc Xá,9,4,1,3,1,1,0.75,Không');
    expect(lines).toContain('00004,Trạm Y tế Phường Trúc Bạch,2,2,0,0,0,0,,Có');
    expect(lines[lines.length - 1]).toBe('001,Tổng cộng — Trung tâm Y tế Quận Ba Đình,12,7,1,3,1,1,0.75,Không');
    await t.http
      .get('/api/v1/sla/summary.csv?unitCode=79')
      .set('Authorization', people['supervisor-district'].bearer)
      .expect(404);
  });

  it('documents the alert, SLA and webhook endpoints in OpenAPI', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/alerts',
        '/api/v1/alerts/{id}/ack',
        '/api/v1/sla/summary',
        '/api/v1/sla/summary.csv',
        '/api/v1/admin/webhooks',
        '/api/v1/admin/webhook-deliveries',
        '/api/v1/admin/webhook-deliveries/{id}/retry',
      ]),
    );
    expect(res.body.components.schemas.AlertView.required).toEqual(
      expect.arrayContaining(['id', 'kind', 'createdAt', 'acknowledgedAt', 'unit', 'ticket', 'campaign', 'summary']),
    );
  });

  describe('operators', () => {
    it('serves the queue dashboard to admins only', async () => {
      const anonymous = await t.http.get('/admin/queues').expect(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="phananh queues"/);
      expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.http.get('/admin/queues').set('Authorization', people['supervisor-district'].bearer).expect(403);
      const page = await t.http.get('/admin/queues').set('Authorization', people.admin.bearer).expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const cookie = (page.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie).toMatch(/^phananh_queues=.+; Path=\/admin\/queues; HttpOnly; SameSite=Strict$/);
      const api = await t.http.get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]).expect(200);
      expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(Object.values(QueueName).sort());
      // An admin has a second factor, and Basic has no code step: the password alone is not enough.
      const basic = Buffer.from(`admin:${people.admin.password}`).toString('base64');
      await t.http.get('/admin/queues/api/queues').set('Authorization', `Basic ${basic}`).expect(401);
      const wrong = Buffer.from('admin:wrong-password').toString('base64');
      await t.http.get('/admin/queues/api/queues').set('Authorization', `Basic ${wrong}`).expect(401);
    });

    it('exposes queue depth and job start delay in /metrics', async () => {
      await eventually(async () => {
        const res = await t.http.get('/metrics');
        return /phananh_job_start_delay_seconds_count\{queue="sla"\} [1-9]/.test(res.text);
      });
      const res = await t.http.get('/metrics').expect(200);
      expect(res.text).toMatch(/phananh_queue_jobs\{queue="sla",state="delayed"\} \d+/);
      expect(res.text).toMatch(/phananh_queue_jobs\{queue="webhooks",state="failed"\} \d+/);
      expect(res.text).toContain('# TYPE phananh_job_start_delay_seconds histogram');
      expect(res.text).toMatch(/phananh_job_start_delay_seconds_bucket\{queue="sla",le="\+Inf"\} [1-9]/);
      expect(res.text).toMatch(/phananh_job_start_delay_seconds_sum\{queue="sla"\} [\d.]+/);
    });
  });
});
