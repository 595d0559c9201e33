import { FakeClock } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { CampaignCutoffService, SlaSweeper } from '@phananh/sla';
import { Official, TestApp, TestTicket, createTestApp, eventually, newOfficial, newTicket } from '@test/support';
import { alertsOf, allAlerts, recipients, sweepsRun } from './sla-helpers';

/**
 * The ladder on the real worker (BullMQ job scheduler, sweep every 100 ms of real time)
 * against real PostgreSQL and Redis, driven by moving the FakeClock: each alert kind
 * reaches exactly its recipients at its instant, never early, never twice, never for a
 * closed ticket; a reopened ticket starts a new ladder; the cutoff summarises per province.
 */
describe('SLA ladder', () => {
  let t: TestApp;
  let clock: FakeClock;
  const people: Record<string, Official> = {};
  let a: TestTicket; // open throughout
  let b: TestTicket; // resolved before its first alert
  let c: TestTicket; // overdue, resolved, then reopened with a new deadline
  let hcm: TestTicket; // in another province, open at the cutoff
  const bulk: TestTicket[] = [];

  const at = (iso: string) => new Date(iso);
  const move = (iso: string) => clock.set(iso);
  // Tokens live JWT_TTL_SECONDS of clock time, and this test moves the clock by days: issue one per request.
  const bearer = (name: string) => `Bearer ${t.app.get(AuthService).issue(people[name].user).accessToken}`;

  beforeAll(async () => {
    t = await createTestApp();
    clock = t.clock as FakeClock;
    const make = async (name: string, role: Role, unitCode: string, email: string | null = null) => {
      people[name] = await newOfficial(t, { role, unitCode, username: name, email });
    };
    await make('officer-ward', Role.Officer, '00001', 'officer-ward@example.vn');
    await make('officer-ward-disabled', Role.Officer, '00001');
    await make('supervisor-ward', Role.Supervisor, '00001');
    await make('officer-district', Role.Officer, '001');
    await make('supervisor-district', Role.Supervisor, '001');
    await make('supervisor-province', Role.Supervisor, '01');
    await make('officer-other-ward', Role.Officer, '00004');
    await make('supervisor-other-ward', Role.Supervisor, '00004');
    await make('supervisor-hcm', Role.Supervisor, '79');
    await make('admin', Role.Admin, null as never);
    await t.db.query(`UPDATE users SET disabled_at = $2 WHERE id = $1`, [
      people['officer-ward-disabled'].user.id,
      clock.now(),
    ]);

    a = await newTicket(t, { unitCode: '00001', receivedAt: at('2021-11-03T08:00:00+07:00') });
    b = await newTicket(t, { unitCode: '00001', receivedAt: at('2021-11-03T08:00:00+07:00') });
    c = await newTicket(t, { unitCode: '00001', receivedAt: at('2021-11-03T09:00:00+07:00') });
    hcm = await newTicket(t, { unitCode: '26740', receivedAt: at('2021-11-03T08:00:00+07:00') });
    for (let i = 0; i < 200; i++) {
      bulk.push(await newTicket(t, { unitCode: '00004', receivedAt: at('2021-11-03T10:00:00+07:00') }));
    }
  });
  afterAll(() => t.close());

  it('keeps each ticket on the first rung: DUE_SOON 12 hours before its deadline', async () => {
    expect(a.dueAt).toEqual(at('2021-11-05T08:00:00+07:00'));
    const [row] = await t.db.query(`SELECT sla_stage, sla_next_at FROM tickets WHERE id = $1`, [a.id]);
    expect(row).toEqual({ sla_stage: 0, sla_next_at: at('2021-11-04T20:00:00+07:00') });
  });

  it('fires nothing before its time', async () => {
    move('2021-11-04T19:59:59.999+07:00');
    await sweepsRun(t);
    expect(await allAlerts(t)).toEqual([]);
  });

  it('sends DUE_SOON to the active officers of the assigned unit only, at its instant, and not for a resolved ticket', async () => {
    await t.http
      .post(`/api/v1/tickets/${b.trackingCode}/resolve`)
      .set('Authorization', bearer('officer-ward'))
      .send({ resolution: 'Đã bổ sung mũi 2' })
      .expect(200);
    move('2021-11-04T20:00:00+07:00');
    const soon = await eventually(async () => {
      const found = await alertsOf(t, a.id, 'DUE_SOON');
      return found.length ? found : null;
    });
    await sweepsRun(t);
    expect(recipients(await alertsOf(t, a.id))).toEqual(['officer-ward']);
    expect(soon[0]).toMatchObject({
      deadline_at: a.dueAt,
      unit_code: '00001',
      occurred_at: at('2021-11-04T20:00:00+07:00'),
      created_at: at('2021-11-04T20:00:00+07:00'),
    });
    expect(await alertsOf(t, b.id)).toEqual([]);
    expect(await alertsOf(t, c.id)).toEqual([]); // its DUE_SOON is at 21:00
  });

  it('records each occurrence once however many sweeps run at the same moment', async () => {
    move('2021-11-04T22:00:00+07:00');
    const sweeper = t.app.get(SlaSweeper);
    await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
    await sweepsRun(t);
    const [counts] = await t.db.query(
      `SELECT count(*)::int AS events, count(DISTINCT ticket_id)::int AS tickets
       FROM alert_events WHERE kind = 'DUE_SOON' AND ticket_id = ANY ($1::bigint[])`,
      [bulk.map((x) => x.id)],
    );
    expect(counts).toEqual({ events: 200, tickets: 200 });
    const bulkAlerts = (await allAlerts(t)).filter((x) => bulk.some((y) => y.id === x.ticket_id));
    expect(bulkAlerts).toHaveLength(200);
    expect(new Set(bulkAlerts.map((x) => x.recipient))).toEqual(new Set(['officer-other-ward']));
    expect(recipients(await alertsOf(t, c.id, 'DUE_SOON'))).toEqual(['officer-ward']);
    const [stages] = await t.db.query(
      `SELECT count(*) FILTER (WHERE sla_stage = 1)::int AS next_overdue, count(*)::int AS total
       FROM tickets WHERE id = ANY ($1::bigint[])`,
      [bulk.map((x) => x.id)],
    );
    expect(stages).toEqual({ next_overdue: 200, total: 200 });
  });

  it('sends OVERDUE at the deadline to the supervisors of the unit and of the unit above, and sets overdueSince', async () => {
    move('2021-11-05T08:00:00+07:00');
    await eventually(async () => (await alertsOf(t, a.id, 'OVERDUE')).length > 0);
    await sweepsRun(t);
    expect(recipients(await alertsOf(t, a.id, 'OVERDUE'))).toEqual(['supervisor-district', 'supervisor-ward']);
    const [row] = await t.db.query(`SELECT overdue_since, sla_stage, sla_next_at FROM tickets WHERE id = $1`, [a.id]);
    expect(row).toEqual({ overdue_since: a.dueAt, sla_stage: 2, sla_next_at: at('2021-11-06T08:00:00+07:00') });
    const history = await t.db.query(`SELECT action, is_public FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [
      a.id,
    ]);
    expect(history).toEqual([
      { action: 'FILED', is_public: true },
      { action: 'OVERDUE', is_public: false },
    ]);
    const res = await t.http.get(`/api/v1/tickets/${a.trackingCode}`).set('Authorization', bearer('officer-ward'));
    expect(res.body.overdueSince).toBe('2021-11-05T08:00:00.000+07:00');
  });

  it('lets a resolved and reopened ticket alert again for its new deadline, and never for the old one', async () => {
    move('2021-11-05T09:00:00+07:00');
    await eventually(async () => (await alertsOf(t, c.id, 'OVERDUE')).length > 0);
    move('2021-11-05T10:00:00+07:00');
    await t.http
      .post(`/api/v1/tickets/${c.trackingCode}/resolve`)
      .set('Authorization', bearer('officer-ward'))
      .send({ resolution: 'Đã cập nhật' })
      .expect(200);
    move('2021-11-05T12:00:00+07:00');
    const reopened = await t.http
      .post(`/api/v1/tickets/${c.trackingCode}/reopen`)
      .set('Authorization', bearer('supervisor-ward'))
      .send({ reason: 'Người dân phản ánh lại' })
      .expect(200);
    expect(reopened.body.dueAt).toBe('2021-11-07T12:00:00.000+07:00');
    expect(reopened.body.overdueSince).toBeNull();

    // The old deadline's ESCALATED (06 Nov 09:00) must not fire: the ladder restarted.
    move('2021-11-06T09:30:00+07:00');
    await sweepsRun(t);
    expect(await alertsOf(t, c.id, 'ESCALATED')).toEqual([]);

    move('2021-11-07T00:00:00+07:00');
    await eventually(async () => (await alertsOf(t, c.id, 'DUE_SOON')).length === 2);
    const dueSoons = await alertsOf(t, c.id, 'DUE_SOON');
    expect(dueSoons.map((x) => x.deadline_at)).toEqual([
      at('2021-11-05T09:00:00+07:00'),
      at('2021-11-07T12:00:00+07:00'),
    ]);
  });

  it('sends ESCALATED 24 hours after the deadline to the supervisors of the province only', async () => {
    // 06 Nov 08:00 has passed above; A escalated when the clock crossed it.
    await eventually(async () => (await alertsOf(t, a.id, 'ESCALATED')).length > 0);
    await sweepsRun(t);
    const escalated = await alertsOf(t, a.id, 'ESCALATED');
    expect(recipients(escalated)).toEqual(['supervisor-province']);
    expect(escalated[0].occurred_at).toEqual(at('2021-11-06T08:00:00+07:00'));
    const [row] = await t.db.query(`SELECT sla_stage, sla_next_at FROM tickets WHERE id = $1`, [a.id]);
    expect(row).toEqual({ sla_stage: 3, sla_next_at: null });
    // Nobody outside the chain ever heard of A, and the disabled officer heard of nothing.
    const heard = new Set((await allAlerts(t)).map((x) => x.recipient));
    expect(heard.has('officer-ward-disabled')).toBe(false);
    expect(heard.has('officer-district')).toBe(false);
    expect(heard.has('admin')).toBe(false);
    expect(recipients(await alertsOf(t, a.id))).toEqual([
      'officer-ward',
      'supervisor-district',
      'supervisor-province',
      'supervisor-ward',
    ]);
  });

  it('shows officials their own alerts, newest first, and lets them acknowledge them', async () => {
    const list = await t.http
      .get('/api/v1/alerts?unacknowledged=true')
      .set('Authorization', bearer('officer-ward'))
      .expect(200);
    // A's and C's two DUE_SOONs (C's second one is the newest).
    expect(list.body.items).toHaveLength(3);
    expect(list.body.nextCursor).toBeNull();
    const [newest] = list.body.items;
    expect(newest).toEqual({
      id: expect.any(String),
      kind: 'DUE_SOON',
      createdAt: '2021-11-07T00:00:00.000+07:00',
      acknowledgedAt: null,
      unit: { code: '00001', name: 'Trạm Y tế Phường Phúc Xá' },
      ticket: { trackingCode: c.trackingCode, dueAt: '2021-11-07T12:00:00.000+07:00', status: 'ASSIGNED' },
      campaign: '2021-11',
      summary: null,
    });
    const dates = list.body.items.map((x: { createdAt: string }) => x.createdAt);
    expect([...dates].sort().reverse()).toEqual(dates);

    // Someone else's alert is 404, exactly like one that does not exist.
    const other = await t.http
      .post(`/api/v1/alerts/${newest.id}/ack`)
      .set('Authorization', bearer('supervisor-province'))
      .expect(404);
    expect(other.body.type).toBe('urn:phananh:problem:not-found');
    await t.http
      .post('/api/v1/alerts/00000000-0000-4000-8000-000000000000/ack')
      .set('Authorization', bearer('officer-ward'))
      .expect(404);
    await t.http.post('/api/v1/alerts/not-a-uuid/ack').set('Authorization', bearer('officer-ward')).expect(404);

    const acked = await t.http
      .post(`/api/v1/alerts/${newest.id}/ack`)
      .set('Authorization', bearer('officer-ward'))
      .expect(200);
    expect(acked.body).toEqual({ ...newest, acknowledgedAt: '2021-11-07T00:00:00.000+07:00' });
    clock.advance(60_000);
    const again = await t.http
      .post(`/api/v1/alerts/${newest.id}/ack`)
      .set('Authorization', bearer('officer-ward'))
      .expect(200);
    expect(again.body.acknowledgedAt).toBe('2021-11-07T00:00:00.000+07:00');

    const unread = await t.http.get('/api/v1/alerts?unacknowledged=true').set('Authorization', bearer('officer-ward'));
    expect(unread.body.items.map((x: { id: string }) => x.id)).not.toContain(newest.id);
    const all = await t.http.get('/api/v1/alerts?limit=2').set('Authorization', bearer('officer-ward')).expect(200);
    expect(all.body.items).toHaveLength(2);
    const next = await t.http
      .get(`/api/v1/alerts?limit=2&cursor=${all.body.nextCursor}`)
      .set('Authorization', bearer('officer-ward'))
      .expect(200);
    expect(next.body).toMatchObject({ nextCursor: null });
    expect(next.body.items).toHaveLength(1);
    const forged = await t.http
      .get('/api/v1/alerts?cursor=garbage')
      .set('Authorization', bearer('officer-ward'))
      .expect(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor', code: 'CURSOR_INVALID' })]);
    await t.http.get('/api/v1/alerts').expect(401);
  });

  it('enforces the campaign cutoff: flags every open ticket and sends one summary per province to its supervisors', async () => {
    move('2021-11-13T00:00:00+07:00');
    await eventually(async () => {
      const [row] = await t.db.query(`SELECT cutoff_processed_at FROM campaigns WHERE code = '2021-11'`);
      return row.cutoff_processed_at;
    });
    const flagged = await t.db.query(`SELECT id FROM tickets WHERE cutoff_missed ORDER BY id`);
    const open = [a, c, hcm, ...bulk].map((x) => x.id).sort((x, y) => Number(x) - Number(y));
    expect(flagged.map((r: { id: string }) => r.id)).toEqual(open);

    const cutoffAlerts = (await allAlerts(t)).filter((x) => x.kind === 'CUTOFF_MISSED');
    expect(cutoffAlerts.map((x) => [x.unit_code, x.recipient]).sort()).toEqual([
      ['01', 'supervisor-province'],
      ['79', 'supervisor-hcm'],
    ]);
    expect(cutoffAlerts[0].created_at).toEqual(at('2021-11-13T00:00:00+07:00'));

    const list = await t.http.get('/api/v1/alerts').set('Authorization', bearer('supervisor-province')).expect(200);
    const summary = list.body.items.find((x: { kind: string }) => x.kind === 'CUTOFF_MISSED');
    expect(summary).toMatchObject({
      kind: 'CUTOFF_MISSED',
      unit: { code: '01', name: 'Sở Y tế Thành phố Hà Nội' },
      ticket: null,
      campaign: '2021-11',
      summary: {
        campaign: '2021-11',
        cutoffAt: '2021-11-13T00:00:00.000+07:00',
        province: { code: '01' },
        total: 202,
      },
    });
    const units = summary.summary.units as { unit: { code: string }; count: number; trackingCodes: string[] }[];
    expect(units.map((u) => [u.unit.code, u.count])).toEqual([
      ['00001', 2],
      ['00004', 200],
    ]);
    expect(units[0].trackingCodes).toEqual([a.trackingCode, c.trackingCode].sort());

    const view = await t.http.get(`/api/v1/tickets/${a.trackingCode}`).set('Authorization', bearer('officer-ward'));
    const cutoffEntries = view.body.history.filter((h: { action: string }) => h.action === 'CUTOFF_MISSED');
    expect(cutoffEntries).toEqual([expect.objectContaining({ at: '2021-11-13T00:00:00.000+07:00', actor: null })]);
  });

  it('keeps cutoffMissed after a late resolution, and processes a cutoff only once', async () => {
    move('2021-11-13T01:00:00+07:00');
    const res = await t.http
      .post(`/api/v1/tickets/${a.trackingCode}/resolve`)
      .set('Authorization', bearer('officer-ward'))
      .send({ resolution: 'Đã xử lý muộn' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'RESOLVED', cutoffMissed: true });
    // The history reads in time order: the cutoff, then the late resolution.
    expect(res.body.history.map((h: { action: string }) => h.action).slice(-2)).toEqual(['CUTOFF_MISSED', 'RESOLVED']);
    const before = await allAlerts(t);
    expect(await t.app.get(CampaignCutoffService).process('2021-11')).toBe('skipped');
    await sweepsRun(t);
    expect(await allAlerts(t)).toHaveLength(before.length);
  });

  it('never alerts a resolved ticket again, whatever the time', async () => {
    move('2021-11-20T00:00:00+07:00');
    await sweepsRun(t);
    expect(await alertsOf(t, b.id)).toEqual([]);
    const overdueOfA = await alertsOf(t, a.id);
    expect(overdueOfA).toHaveLength(4);
  });
});
