/**
 * Lifecycle webhooks (issue 15): ticket events relayed (the ticket-event relay's outbox) to
 * subscribed receivers as CloudEvents 1.0 structured JSON, signed, retried with back-off and
 * kept as DEAD like the alert webhooks; personal data only for a subscription an admin flagged
 * (audited). Real local HTTP receivers, the real worker, real time with a short back-off.
 */
import { verifyWebhookSignature } from '@phananh/alerts';
import { Role } from '@phananh/identity';
import { Official, TestApp, createTestApp, eventually, newOfficial } from '@test/support';
import { newCitizen, reportBody } from '../public/report-bodies';
import { startReceiver } from '../sla/receivers';

const SECRET = 'lifecycle-secret-for-tests';

describe('lifecycle webhooks: CloudEvents from the ticket-event relay', () => {
  let t: TestApp;
  let admin: Official;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let downIsUp = false;
  const ids: Record<string, string> = {};
  const citizen = newCitizen();
  let trackingCode: string;
  let ticketId: string;

  const asAdmin = {
    get: (path: string) => t.http.get(path).set('Authorization', admin.bearer),
    post: (path: string, body: object = {}) => t.http.post(path).set('Authorization', admin.bearer).send(body),
  };
  const subscribe = async (path: string, events: string[]) =>
    (await asAdmin.post('/api/v1/admin/event-webhooks', { url: hooks.url(path), secret: SECRET, events }).expect(201))
      .body.id as string;
  const at = (path: string) => hooks.received.filter((h) => h.path === path);
  const events = (path: string) => at(path).map((h) => JSON.parse(h.body));

  beforeAll(async () => {
    hooks = await startReceiver((path, n) => {
      if (path === '/flaky') return n <= 2 ? 503 : 200;
      if (path === '/down') return downIsUp ? 204 : 500;
      return 200;
    });
    t = await createTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        DELIVERY_BACKOFF_MS: '200',
        WEBHOOK_ATTEMPTS: '3',
        RELAY_INTERVAL_MS: '100',
        RATE_LIMIT_LOGINS_PER_MINUTE: '1000',
      },
    });
    admin = await newOfficial(t, { role: Role.Admin });
    ids.ok = await subscribe('/ok', ['FILED', 'RESOLVED']);
    ids.pii = await subscribe('/pii', ['RESOLVED', 'REOPENED']);
    ids.flaky = await subscribe('/flaky', ['FILED']);
    ids.down = await subscribe('/down', ['FILED']);
    ids.none = await subscribe('/none', ['WITHDRAWN']);
    const filed = await t.http.post('/api/v1/reports').send(reportBody(citizen)).expect(201);
    trackingCode = filed.body.trackingCode;
    [{ id: ticketId }] = await t.db.query(`SELECT id::text AS id FROM tickets WHERE tracking_code = $1`, [
      trackingCode,
    ]);
  });
  afterAll(async () => {
    await t.close();
    await hooks.close();
  });

  it('sends a filed report as one signed CloudEvent in structured mode, without personal data', async () => {
    await eventually(async () => at('/ok').length >= 1);
    const [hook] = at('/ok');
    expect(hook.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(verifyWebhookSignature(SECRET, hook.body, hook.headers['x-signature'] as string)).toBe(true);
    expect(verifyWebhookSignature('another-secret', hook.body, hook.headers['x-signature'] as string)).toBe(false);
    const [event] = await t.db.query(
      `SELECT id::text AS id FROM ticket_events WHERE ticket_id = $1 AND action = 'FILED'`,
      [ticketId],
    );
    expect(JSON.parse(hook.body)).toEqual({
      specversion: '1.0',
      id: `ticket-event-${event.id}`,
      source: 'urn:phananh:tickets',
      type: 'vn.phananh.ticket.filed',
      subject: ticketId,
      time: '2021-11-03T08:00:00.000+07:00',
      datacontenttype: 'application/json',
      data: {
        serviceRequestId: ticketId,
        action: 'FILED',
        issueType: 'MISSING_DOSE',
        fromStatus: null,
        toStatus: 'ASSIGNED',
        fromUnit: null,
        toUnit: null,
        actorRole: null,
        unit: { code: '01', name: 'Sở Y tế Thành phố Hà Nội' },
        dueAt: '2021-11-05T08:00:00.000+07:00',
      },
    });
    for (const value of [citizen.citizenId, citizen.phone, citizen.fullName, trackingCode]) {
      expect(hook.body).not.toContain(value);
    }
    const [delivery] = await t.db.query(
      `SELECT id, status FROM event_webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
      [ids.ok, event.id],
    );
    expect(hook.headers['x-delivery-id']).toBe(delivery.id);
    // ASSIGNED was not subscribed; WITHDRAWN did not happen: nothing else, nothing for /none.
    expect(at('/none')).toEqual([]);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM event_webhook_deliveries WHERE webhook_id = $1`, [
      ids.ok,
    ]);
    expect(n).toBe(1);
  });

  it('retries a failing receiver with back-off under the same delivery id, then delivers once', async () => {
    await eventually(async () => at('/flaky').length === 3, 20_000);
    const tries = at('/flaky');
    expect(tries.map((h) => h.answered)).toEqual([503, 503, 200]);
    expect(new Set(tries.map((h) => h.headers['x-delivery-id'])).size).toBe(1);
    expect(tries.map((h) => h.headers['x-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(190);
    expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(390);
    await eventually(async () => {
      const [d] = await t.db.query(`SELECT status FROM event_webhook_deliveries WHERE webhook_id = $1`, [ids.flaky]);
      return d.status === 'DELIVERED';
    });
  });

  it('keeps a delivery that never succeeds as DEAD; an admin lists and retries it, and it is delivered', async () => {
    const dead = await eventually(async () => {
      const page = (await asAdmin.get('/api/v1/admin/event-webhook-deliveries?status=DEAD').expect(200)).body;
      return page.items.length ? page.items : null;
    }, 20_000);
    expect(dead).toEqual([
      expect.objectContaining({
        webhookId: ids.down,
        url: hooks.url('/down'),
        type: 'vn.phananh.ticket.filed',
        status: 'DEAD',
        attempts: 3,
        lastStatus: 500,
        lastError: 'HTTP 500',
      }),
    ]);
    expect(at('/down')).toHaveLength(3);
    downIsUp = true;
    const retried = await asAdmin.post(`/api/v1/admin/event-webhook-deliveries/${dead[0].id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('PENDING');
    await eventually(async () => {
      const [d] = await t.db.query(`SELECT status FROM event_webhook_deliveries WHERE id = $1`, [dead[0].id]);
      return d.status === 'DELIVERED';
    });
    await asAdmin.post(`/api/v1/admin/event-webhook-deliveries/${dead[0].id}/retry`).expect(409);
  });

  it('sends personal data only to a flagged subscription; each flag change is audited; clearing it stops it', async () => {
    // Flag /pii (audited), not /ok.
    const flagged = await asAdmin
      .post(`/api/v1/admin/event-webhooks/${ids.pii}/personal-data`, { includePersonalData: true })
      .expect(200);
    expect(flagged.body.includePersonalData).toBe(true);
    // Setting it again changes nothing and records nothing.
    await asAdmin
      .post(`/api/v1/admin/event-webhooks/${ids.pii}/personal-data`, { includePersonalData: true })
      .expect(200);

    await asAdmin.post(`/api/v1/tickets/${trackingCode}/resolve`, { resolution: 'Đã bổ sung mũi 2' }).expect(200);
    await eventually(async () => at('/pii').length >= 1 && at('/ok').length >= 2);
    const [withPii] = events('/pii');
    expect(withPii.type).toBe('vn.phananh.ticket.resolved');
    expect(withPii.data.personalData).toEqual({
      trackingCode,
      citizenId: citizen.citizenId,
      dose: {
        doseNumber: 2,
        vaccineCode: 'COMIRNATY',
        vaccinatedOn: '2021-10-20',
        wardCode: '00001',
        facilityName: expect.any(String),
        lotNumber: expect.anything(),
      },
    });
    expect(verifyWebhookSignature(SECRET, at('/pii')[0].body, at('/pii')[0].headers['x-signature'] as string)).toBe(
      true,
    );
    const resolvedToOk = events('/ok').find((e) => e.type === 'vn.phananh.ticket.resolved');
    expect(resolvedToOk.data.personalData).toBeUndefined();
    expect(
      at('/ok')
        .map((h) => h.body)
        .join('\n'),
    ).not.toContain(citizen.citizenId);
    expect(resolvedToOk.data).toMatchObject({ fromStatus: 'ASSIGNED', toStatus: 'RESOLVED', actorRole: 'ADMIN' });

    // Cleared: the next event (a reopening) carries none.
    await asAdmin
      .post(`/api/v1/admin/event-webhooks/${ids.pii}/personal-data`, { includePersonalData: false })
      .expect(200);
    await asAdmin.post(`/api/v1/tickets/${trackingCode}/reopen`, { reason: 'Cần kiểm tra lại' }).expect(200);
    await eventually(async () => at('/pii').length >= 2);
    const reopened = events('/pii')[1];
    expect(reopened.type).toBe('vn.phananh.ticket.reopened');
    expect(reopened.data.personalData).toBeUndefined();
    expect(at('/pii')[1].body).not.toContain(citizen.citizenId);

    const audit = await t.db.query(
      `SELECT action, actor_username, details FROM audit_log WHERE action = 'EVENT_WEBHOOK_PERSONAL_DATA' ORDER BY id`,
    );
    expect(audit).toEqual([
      {
        action: 'EVENT_WEBHOOK_PERSONAL_DATA',
        actor_username: admin.username,
        details: { webhookId: ids.pii, url: hooks.url('/pii'), from: false, to: true },
      },
      {
        action: 'EVENT_WEBHOOK_PERSONAL_DATA',
        actor_username: admin.username,
        details: { webhookId: ids.pii, url: hooks.url('/pii'), from: true, to: false },
      },
    ]);
    const list = (await asAdmin.get('/api/v1/admin/event-webhooks').expect(200)).body;
    expect(list.find((w: { id: string }) => w.id === ids.pii).includePersonalData).toBe(false);
    expect(JSON.stringify(list)).not.toContain(SECRET);
  });

  it('refuses an event type that is not a lifecycle event, an unknown subscription and a flag that is not a boolean', async () => {
    const res = await asAdmin
      .post('/api/v1/admin/event-webhooks', { url: hooks.url('/x'), secret: SECRET, events: ['OVERDUE'] })
      .expect(400);
    expect(res.body.errors[0].field).toMatch(/^events/);
    await asAdmin
      .post(`/api/v1/admin/event-webhooks/not-a-uuid/personal-data`, { includePersonalData: true })
      .expect(404);
    await asAdmin
      .post(`/api/v1/admin/event-webhooks/${ids.ok}/personal-data`, { includePersonalData: 'yes' })
      .expect(400);
  });
});
