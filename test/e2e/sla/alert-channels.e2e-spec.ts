import { verifyWebhookSignature } from '@phananh/alerts';
import { FakeClock } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { Official, TestApp, TestTicket, createTestApp, eventually, newOfficial, newTicket } from '@test/support';
import { startReceiver, startSmtp } from './receivers';

/**
 * The channels end to end: a real SMTP server and a real HTTP receiver started here,
 * alerts produced by the real worker as the FakeClock moves, deliveries retried in real
 * time with a short back-off (DELIVERY_BACKOFF_MS=200).
 */
describe('alert channels', () => {
  let t: TestApp;
  let clock: FakeClock;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let downIsUp = false;
  const people: Record<string, Official> = {};
  let ticket: TestTicket;
  const CITIZEN_ID = '001090054321';
  const PHONE = '0987654321';
  const SECRET = 'webhook-secret-for-tests';

  const bearer = (name: string) => `Bearer ${t.app.get(AuthService).issue(people[name].user).accessToken}`;

  beforeAll(async () => {
    smtp = await startSmtp((address) => address.startsWith('bounce'));
    hooks = await startReceiver((path, n) => {
      if (path === '/flaky') return n <= 2 ? 503 : 200;
      if (path === '/down') return downIsUp ? 204 : 500;
      return 200;
    });
    t = await createTestApp({
      env: {
        SMTP_URL: smtp.url,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        DELIVERY_BACKOFF_MS: '200',
        WEBHOOK_ATTEMPTS: '4',
      },
    });
    clock = t.clock as FakeClock;
    const make = async (name: string, role: Role, unitCode: string | null, email: string | null = null) => {
      people[name] = await newOfficial(t, { role, unitCode, username: name, email });
    };
    await make('officer', Role.Officer, '00001', 'can-bo.phuc-xa@example.vn');
    await make('officer-no-mail', Role.Officer, '00001');
    await make('officer-bounces', Role.Officer, '00001', 'bounce@example.vn');
    await make('supervisor-ward', Role.Supervisor, '00001', 'giam-sat.phuong@example.vn');
    await make('supervisor-district', Role.Supervisor, '001');
    await make('supervisor-province', Role.Supervisor, '01', 'so-y-te.ha-noi@example.vn');
    await make('admin', Role.Admin, null);
    ticket = await newTicket(t, {
      unitCode: '00001',
      receivedAt: new Date('2021-11-03T08:00:00+07:00'),
      citizenId: CITIZEN_ID,
      phone: PHONE,
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await hooks.close();
  });

  describe('webhook registration', () => {
    it('is for admins only, and never shows the secret again', async () => {
      await t.http
        .post('/api/v1/admin/webhooks')
        .set('Authorization', bearer('supervisor-province'))
        .send({ url: hooks.url('/ok'), secret: SECRET, events: ['OVERDUE'] })
        .expect(403);
      const res = await t.http
        .post('/api/v1/admin/webhooks')
        .set('Authorization', bearer('admin'))
        .send({ url: hooks.url('/ok'), secret: SECRET, events: ['OVERDUE', 'CUTOFF_MISSED'] })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        url: hooks.url('/ok'),
        events: ['OVERDUE', 'CUTOFF_MISSED'],
        // A national admin's webhook: every event, whatever its province.
        unitCode: null,
        createdAt: '2021-11-03T08:00:00.000+07:00',
        disabledAt: null,
      });
      for (const [path, events] of [
        ['/flaky', ['ESCALATED']],
        ['/down', ['ESCALATED']],
      ] as const) {
        await t.http
          .post('/api/v1/admin/webhooks')
          .set('Authorization', bearer('admin'))
          .send({ url: hooks.url(path), secret: SECRET, events })
          .expect(201);
      }
      const list = await t.http.get('/api/v1/admin/webhooks').set('Authorization', bearer('admin')).expect(200);
      expect(list.body).toHaveLength(3);
      expect(JSON.stringify(list.body)).not.toContain(SECRET);
      const [stored] = await t.db.query(`SELECT secret_enc FROM webhooks LIMIT 1`);
      expect(stored.secret_enc.toString('latin1')).not.toContain(SECRET);
    });

    it('validates the body field by field', async () => {
      const res = await t.http
        .post('/api/v1/admin/webhooks')
        .set('Authorization', bearer('admin'))
        .send({ url: 'ftp://example.vn/x', secret: '', events: ['SOMETIMES'], extra: 1 })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'events',
        'extra',
        'secret',
        'url',
      ]);
    });
  });

  it('e-mails DUE_SOON to the officers with an address, naming ticket, unit and deadline but never the identity number', async () => {
    clock.set('2021-11-04T20:00:00+07:00');
    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes('can-bo.phuc-xa@example.vn')));
    expect(mail.subject).toBe(`[Phản ánh tiêm chủng] Sắp đến hạn xử lý phản ánh ${ticket.trackingCode}`);
    expect(mail.text).toContain(`Phản ánh ${ticket.trackingCode} giao cho Trạm Y tế Phường Phúc Xá`);
    expect(mail.text).toContain('05/11/2021 08:00');
    for (const secret of [CITIZEN_ID, PHONE, CITIZEN_ID.slice(-6)]) expect(mail.raw).not.toContain(secret);
    const statuses = await eventually(async () => {
      const rows: { username: string; email_status: string | null }[] = await t.db.query(
        `SELECT u.username, a.email_status FROM alerts a JOIN users u ON u.id = a.recipient_id ORDER BY u.username`,
      );
      return rows.every((r) => r.email_status !== 'PENDING') ? rows : null;
    });
    expect(statuses).toEqual([
      { username: 'officer', email_status: 'SENT' },
      { username: 'officer-bounces', email_status: expect.stringMatching(/^(PENDING|FAILED)$/) },
      { username: 'officer-no-mail', email_status: null },
    ]);
    // No webhook subscribes to DUE_SOON.
    expect(hooks.received).toEqual([]);
  });

  it('gives up on an address the server refuses after 5 attempts with growing pauses', async () => {
    const [row] = await eventually(async () => {
      const rows = await t.db.query(
        `SELECT a.email_status, a.email_attempts, a.email_error FROM alerts a JOIN users u ON u.id = a.recipient_id
         WHERE u.username = 'officer-bounces' AND a.email_status = 'FAILED'`,
      );
      return rows.length ? rows : null;
    }, 20_000);
    expect(row).toMatchObject({ email_status: 'FAILED', email_attempts: 5 });
    expect(row.email_error).toMatch(/mailbox unavailable/);
  });

  it('delivers OVERDUE once per webhook (not per recipient), signed over the raw body', async () => {
    clock.set('2021-11-05T08:00:00+07:00');
    const hook = await eventually(async () => hooks.received.find((h) => h.path === '/ok'));
    const body = JSON.parse(hook.body);
    const [event] = await t.db.query(`SELECT id FROM alert_events WHERE kind = 'OVERDUE'`);
    expect(body).toEqual({
      id: event.id,
      kind: 'OVERDUE',
      occurredAt: '2021-11-05T08:00:00.000+07:00',
      unit: { code: '00001', name: 'Trạm Y tế Phường Phúc Xá' },
      ticket: { trackingCode: ticket.trackingCode, dueAt: '2021-11-05T08:00:00.000+07:00', status: 'ASSIGNED' },
      campaign: '2021-11',
      summary: null,
    });
    expect(hook.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(SECRET, hook.body, hook.headers['x-signature'] as string)).toBe(true);
    expect(verifyWebhookSignature('another-secret', hook.body, hook.headers['x-signature'] as string)).toBe(false);
    const [delivery] = await t.db.query(`SELECT id, status, attempts FROM webhook_deliveries WHERE event_id = $1`, [
      event.id,
    ]);
    expect(hook.headers['x-delivery-id']).toBe(delivery.id);
    await eventually(async () => {
      const [d] = await t.db.query(`SELECT status FROM webhook_deliveries WHERE id = $1`, [delivery.id]);
      return d.status === 'DELIVERED';
    });
    // Two supervisors got the alert; the receiver got the event once.
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM alerts a WHERE a.event_id = $1`, [event.id]);
    expect(n).toBe(2);
    expect(hooks.received.filter((h) => h.path === '/ok')).toHaveLength(1);
    // The supervisor with an address was mailed about it too.
    await eventually(async () =>
      smtp.mails.find((m) => m.subject.includes(`Quá hạn xử lý phản ánh ${ticket.trackingCode}`)),
    );
  });

  it('retries a failing receiver with exponential back-off, under the same delivery id', async () => {
    clock.set('2021-11-06T08:00:00+07:00');
    await eventually(async () => hooks.received.filter((h) => h.path === '/flaky').length === 3, 15_000);
    const tries = hooks.received.filter((h) => h.path === '/flaky');
    expect(tries.map((h) => h.answered)).toEqual([503, 503, 200]);
    expect(new Set(tries.map((h) => h.headers['x-delivery-id'])).size).toBe(1);
    expect(tries.map((h) => h.headers['x-delivery-attempt'])).toEqual(['1', '2', '3']);
    const gaps = [tries[1].at - tries[0].at, tries[2].at - tries[1].at];
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);
    const [d] = await eventually(async () => {
      const rows = await t.db.query(
        `SELECT status, attempts, last_status FROM webhook_deliveries WHERE id = $1 AND status = 'DELIVERED'`,
        [tries[0].headers['x-delivery-id']],
      );
      return rows.length ? rows : null;
    });
    expect(d).toEqual({ status: 'DELIVERED', attempts: 3, last_status: 200 });
  });

  it('keeps a delivery as DEAD after the last attempt, lists it, and retries it on request', async () => {
    const dead = await eventually(async () => {
      const res = await t.http
        .get('/api/v1/admin/webhook-deliveries?status=DEAD')
        .set('Authorization', bearer('admin'))
        .expect(200);
      return res.body.items.length ? res.body : null;
    }, 20_000);
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]).toMatchObject({
      url: hooks.url('/down'),
      kind: 'ESCALATED',
      status: 'DEAD',
      attempts: 4,
      lastStatus: 500,
      lastError: 'HTTP 500',
      deliveredAt: null,
    });
    expect(hooks.received.filter((h) => h.path === '/down')).toHaveLength(4);
    await t.http
      .get('/api/v1/admin/webhook-deliveries?status=DEAD')
      .set('Authorization', bearer('supervisor-province'))
      .expect(403);
    const forged = await t.http
      .get('/api/v1/admin/webhook-deliveries?cursor=garbage')
      .set('Authorization', bearer('admin'))
      .expect(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor', code: 'CURSOR_INVALID' })]);

    downIsUp = true;
    const retried = await t.http
      .post(`/api/v1/admin/webhook-deliveries/${dead.items[0].id}/retry`)
      .set('Authorization', bearer('admin'))
      .expect(200);
    expect(retried.body).toMatchObject({ id: dead.items[0].id, status: 'PENDING', attempts: 0 });
    await eventually(async () => {
      const [d] = await t.db.query(`SELECT status FROM webhook_deliveries WHERE id = $1`, [dead.items[0].id]);
      return d.status === 'DELIVERED';
    });
    const downs = hooks.received.filter((h) => h.path === '/down');
    expect(downs).toHaveLength(5);
    expect(downs[4].headers['x-delivery-id']).toBe(dead.items[0].id);
    const again = await t.http
      .post(`/api/v1/admin/webhook-deliveries/${dead.items[0].id}/retry`)
      .set('Authorization', bearer('admin'))
      .expect(409);
    expect(again.body.type).toBe('urn:phananh:problem:delivery-not-dead');
    await t.http
      .post('/api/v1/admin/webhook-deliveries/00000000-0000-4000-8000-000000000000/retry')
      .set('Authorization', bearer('admin'))
      .expect(404);
    const none = await t.http
      .get('/api/v1/admin/webhook-deliveries?status=DEAD')
      .set('Authorization', bearer('admin'))
      .expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('delivers the cutoff summary to subscribed webhooks', async () => {
    clock.set('2021-11-13T00:00:00+07:00');
    const hook = await eventually(async () =>
      hooks.received.find((h) => h.path === '/ok' && JSON.parse(h.body).kind === 'CUTOFF_MISSED'),
    );
    const body = JSON.parse(hook.body);
    expect(body).toMatchObject({
      kind: 'CUTOFF_MISSED',
      unit: { code: '01', name: 'Sở Y tế Thành phố Hà Nội' },
      ticket: null,
      campaign: '2021-11',
      summary: { total: 1, units: [{ unit: { code: '00001' }, count: 1, trackingCodes: [ticket.trackingCode] }] },
    });
    expect(verifyWebhookSignature(SECRET, hook.body, hook.headers['x-signature'] as string)).toBe(true);
    const mail = await eventually(async () => smtp.mails.find((m) => m.subject.includes('Hết hạn chót')));
    expect(mail.to).toEqual(['so-y-te.ha-noi@example.vn']);
    expect(mail.subject).toBe(
      '[Phản ánh tiêm chủng] Hết hạn chót chiến dịch 2021-11: 1 phản ánh chưa xử lý — Sở Y tế Thành phố Hà Nội',
    );
    expect(mail.text).toContain(`Trạm Y tế Phường Phúc Xá (00001): 1 phản ánh — ${ticket.trackingCode}`);
    expect(mail.raw).not.toContain(CITIZEN_ID);
  });

  it('never put personal data in the logs', () => {
    const text = t.logs.text();
    expect(text).not.toContain(CITIZEN_ID);
    expect(text).not.toContain(PHONE);
  });
});

describe('webhook addresses', () => {
  let t: TestApp;
  let admin: Official;
  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    admin = await newOfficial(t, { role: Role.Admin, unitCode: null });
  });
  afterAll(() => t.close());

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://10.1.2.3/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook', // URL parsing turns it into the hex form [::ffff:7f00:1]
    'http://[::ffff:a9fe:a9fe]/latest/meta-data',
    'http://[64:ff9b:1::a00:1]/hook', // NAT64 local-use
    'http://[::7f00:1]/hook', // IPv4-compatible
    'http://[2002:7f00:1::1]/hook', // 6to4
  ])('refuses %s unless WEBHOOK_ALLOW_PRIVATE', async (url) => {
    const res = await t.http
      .post('/api/v1/admin/webhooks')
      .set('Authorization', admin.bearer)
      .send({ url, secret: 's3cret', events: ['OVERDUE'] })
      .expect(400);
    expect(res.body.errors).toEqual([
      {
        field: 'url',
        code: 'webhookAddressNotAllowed',
        message: 'Địa chỉ webhook phải là địa chỉ công khai (không phải mạng nội bộ hay loopback)',
      },
    ]);
  });

  it('refuses a host name that does not resolve', async () => {
    const res = await t.http
      .post('/api/v1/admin/webhooks')
      .set('Authorization', admin.bearer)
      .set('Accept-Language', 'en')
      .send({ url: 'https://no-such-host.invalid/hook', secret: 's3cret', events: ['OVERDUE'] })
      .expect(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'url', code: 'webhookHostUnresolvable' });
  });
});
