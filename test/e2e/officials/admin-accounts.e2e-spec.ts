import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { AlertKind, AlertWriter } from '@phananh/alerts';
import { Role } from '@phananh/identity';
import { Official, TestApp, createTestApp, newOfficial, newTicket } from '@test/support';

/**
 * Account administration by national and provincial admins (issue 14). Units: Hà Nội (01) →
 * Ba Đình (001) → Phúc Xá (00001), Trúc Bạch (00004); Hồ Chí Minh (79) → Quận 1 (760) → Tân Định (26734).
 */
describe('admin: provincial reach and account administration', () => {
  let t: TestApp;
  let national: Official;
  let hanoiAdmin: Official;
  let hcmAdmin: Official;
  let hanoiOfficer: Official;
  let hcmOfficer: Official;

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { RATE_LIMIT_LOGINS_PER_MINUTE: '1000', WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    national = await newOfficial(t, { role: Role.Admin });
    hanoiAdmin = await newOfficial(t, { role: Role.Admin, unitCode: '01' });
    hcmAdmin = await newOfficial(t, { role: Role.Admin, unitCode: '79' });
    hanoiOfficer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    hcmOfficer = await newOfficial(t, { role: Role.Officer, unitCode: '26734' });
  });
  afterAll(() => t.close());

  const as = (who: Official) => ({
    get: (path: string) => t.http.get(path).set('Authorization', who.bearer),
    post: (path: string, body?: object) => t.http.post(path).set('Authorization', who.bearer).send(body),
    patch: (path: string, body: object) => t.http.patch(path).set('Authorization', who.bearer).send(body),
    csv: (path: string, file: Buffer | string) =>
      t.http.post(path).set('Authorization', who.bearer).set('Content-Type', 'text/csv').send(file),
  });
  const epoch = async (id: string): Promise<number> =>
    (await t.db.query(`SELECT session_epoch FROM users WHERE id = $1`, [id]))[0].session_epoch;
  const usernames = (res: { body: { items: { username: string }[] } }) => res.body.items.map((u) => u.username);

  describe("a provincial admin and another province's officials", () => {
    it('gets 404 for them on every route, exactly as for an official that does not exist', async () => {
      const target = await newOfficial(t, { role: Role.Officer, unitCode: '26734' });
      const routes = [
        () => as(hanoiAdmin).get(`/api/v1/admin/users/${target.user.id}`),
        () => as(hanoiAdmin).patch(`/api/v1/admin/users/${target.user.id}`, { email: 'x@example.vn' }),
        () => as(hanoiAdmin).post(`/api/v1/admin/users/${target.user.id}/disable`),
        () => as(hanoiAdmin).post(`/api/v1/admin/users/${target.user.id}/enable`),
      ];
      const missing = await as(hanoiAdmin).get(`/api/v1/admin/users/${randomUUID()}`).expect(404);
      for (const route of routes) {
        const res = await route();
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ ...missing.body, instance: res.body.instance });
      }
      // Nothing changed, and a national admin reaches the official.
      await as(national).get(`/api/v1/admin/users/${target.user.id}`).expect(200);
      const [row] = await t.db.query(`SELECT email, disabled_at FROM users WHERE id = $1`, [target.user.id]);
      expect(row).toEqual({ email: null, disabled_at: null });
      // Nor does a national admin (no unit) belong to a province.
      await as(hanoiAdmin).get(`/api/v1/admin/users/${national.user.id}`).expect(404);
    });

    it('lists only its own province (a filter on another province narrows to nothing)', async () => {
      const mine = usernames(await as(hanoiAdmin).get('/api/v1/admin/users?limit=500').expect(200));
      expect(mine).toEqual(expect.arrayContaining([hanoiOfficer.username, hanoiAdmin.username]));
      expect(mine).not.toContain(hcmOfficer.username);
      expect(mine).not.toContain(national.username);
      expect(mine).not.toContain(hcmAdmin.username);
      const other = await as(hanoiAdmin).get('/api/v1/admin/users?unitCode=760').expect(200);
      expect(other.body).toEqual({ items: [], nextCursor: null });
      const all = usernames(await as(national).get('/api/v1/admin/users?limit=500').expect(200));
      expect(all).toEqual(expect.arrayContaining([hanoiOfficer.username, hcmOfficer.username, national.username]));
    });

    it('creates officials only in its province, and no national admin', async () => {
      const body = (over: object) => ({ username: `p-${randomUUID().slice(0, 8)}`, fullName: 'Lê Thị Hoa', ...over });
      await as(hanoiAdmin)
        .post('/api/v1/admin/users', body({ role: 'OFFICER', unitCode: '00004' }))
        .expect(201);
      for (const over of [
        { role: 'OFFICER', unitCode: '26734' },
        { role: 'ADMIN', unitCode: '79' },
        { role: 'ADMIN' },
      ]) {
        const res = await as(hanoiAdmin).post('/api/v1/admin/users', body(over)).expect(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'unitCode', code: 'UNIT_OUTSIDE_REACH' })]);
      }
      // Nor moves one of its own out of the province.
      const own = await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
      const out = await as(hanoiAdmin).patch(`/api/v1/admin/users/${own.user.id}`, { unitCode: '26734' }).expect(400);
      expect(out.body.errors).toEqual([expect.objectContaining({ code: 'UNIT_OUTSIDE_REACH' })]);
      await as(hanoiAdmin).patch(`/api/v1/admin/users/${own.user.id}`, { role: 'ADMIN', unitCode: null }).expect(400);
    });

    it("gets 404 for another province's figures, and its own province's without naming it", async () => {
      await as(hanoiAdmin).get('/api/v1/sla/summary?unitCode=26734').expect(404);
      await as(hanoiAdmin).get('/api/v1/sla/summary?unitCode=79').expect(404);
      await as(hanoiAdmin).get('/api/v1/sla/summary.csv?unitCode=760').expect(404);
      const own = await as(hanoiAdmin).get('/api/v1/sla/summary').expect(200);
      expect(own.body.unit).toMatchObject({ code: '01' });
      await as(hanoiAdmin).get('/api/v1/sla/summary?unitCode=001').expect(200);
      const country = await as(national).get('/api/v1/sla/summary').expect(200);
      expect(country.body.unit).toBeNull();
    });

    it("does not reach another province's tickets, and does not create campaigns or open the queues", async () => {
      const ticket = await newTicket(t, { unitCode: '26734' });
      await as(hanoiAdmin).get(`/api/v1/tickets/${ticket.trackingCode}`).expect(404);
      await as(hcmAdmin).get(`/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      await as(hanoiAdmin).get('/api/v1/admin/campaigns').expect(200);
      const campaign = {
        code: 'p-2022',
        name: 'Đợt của tỉnh',
        intakeFrom: '2022-03-01T00:00:00+07:00',
        intakeTo: '2022-03-15T00:00:00+07:00',
        cutoffAt: '2022-03-17T00:00:00+07:00',
        handlingHours: 48,
      };
      await as(hanoiAdmin).post('/api/v1/admin/campaigns', campaign).expect(403);
      await as(hanoiAdmin).get('/admin/queues').expect(403);
    });

    it("sees, receives and retries only its own province's webhooks", async () => {
      const register = async (who: Official, path: string) =>
        (
          await as(who)
            .post('/api/v1/admin/webhooks', {
              url: `http://127.0.0.1:9/${path}`,
              secret: 's3cret',
              events: ['OVERDUE'],
            })
            .expect(201)
        ).body;
      const hanoiHook = await register(hanoiAdmin, 'hanoi');
      const hcmHook = await register(hcmAdmin, 'hcm');
      const nationalHook = await register(national, 'national');
      expect([hanoiHook.unitCode, hcmHook.unitCode, nationalHook.unitCode]).toEqual(['01', '79', null]);
      const ids = (res: { body: { id: string }[] }) => res.body.map((w) => w.id);
      expect(ids(await as(hanoiAdmin).get('/api/v1/admin/webhooks').expect(200))).toEqual([hanoiHook.id]);
      expect(ids(await as(national).get('/api/v1/admin/webhooks').expect(200))).toEqual(
        expect.arrayContaining([hanoiHook.id, hcmHook.id, nationalHook.id]),
      );

      // An OVERDUE event in Tân Định (HCM) goes to the HCM webhook and the national one, not to Hà Nội's.
      const ticket = await newTicket(t, { unitCode: '26734' });
      const now = t.clock.now();
      await t.db.transaction((m) =>
        t.app.get(AlertWriter).record(
          m,
          [
            {
              kind: AlertKind.Overdue,
              dedupeKey: `reach-${ticket.id}`,
              ticketId: ticket.id,
              deadlineAt: now,
              unitCode: '26734',
              campaignCode: null,
              summary: null,
              occurredAt: now,
            },
          ],
          now,
        ),
      );
      const deliveries = await t.db.query(
        `SELECT d.id, d.webhook_id FROM webhook_deliveries d JOIN alert_events e ON e.id = d.event_id
         WHERE e.dedupe_key = $1`,
        [`reach-${ticket.id}`],
      );
      expect(deliveries.map((d: { webhook_id: string }) => d.webhook_id).sort()).toEqual(
        [hcmHook.id, nationalHook.id].sort(),
      );
      const hcmDelivery = deliveries.find((d: { webhook_id: string }) => d.webhook_id === hcmHook.id).id;
      await t.db.query(`UPDATE webhook_deliveries SET status = 'DEAD' WHERE id = $1`, [hcmDelivery]);
      const listed = (who: Official) => as(who).get('/api/v1/admin/webhook-deliveries?status=DEAD').expect(200);
      expect((await listed(hanoiAdmin)).body.items).toEqual([]);
      expect((await listed(hcmAdmin)).body.items.map((d: { id: string }) => d.id)).toEqual([hcmDelivery]);
      await as(hanoiAdmin).post(`/api/v1/admin/webhook-deliveries/${hcmDelivery}/retry`).expect(404);
      await as(hcmAdmin).post(`/api/v1/admin/webhook-deliveries/${hcmDelivery}/retry`).expect(200);
    });

    it("reads the audit rows of its province's officials only", async () => {
      const mine = await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
      const theirs = await newOfficial(t, { role: Role.Officer, unitCode: '26734' });
      await as(hanoiAdmin).patch(`/api/v1/admin/users/${mine.user.id}`, { email: 'mine@example.vn' }).expect(200);
      await as(national).patch(`/api/v1/admin/users/${theirs.user.id}`, { email: 'theirs@example.vn' }).expect(200);
      const subjects = async (who: Official) =>
        (await as(who).get('/api/v1/admin/audit?action=USER_CHANGED&limit=100').expect(200)).body.items.map(
          (r: { subject: { username: string } }) => r.subject.username,
        );
      expect(await subjects(hanoiAdmin)).toContain(mine.username);
      expect(await subjects(hanoiAdmin)).not.toContain(theirs.username);
      expect(await subjects(hcmAdmin)).toContain(theirs.username);
      expect(await subjects(national)).toEqual(expect.arrayContaining([mine.username, theirs.username]));
    });
  });

  describe('changes', () => {
    it('changes role and unit (sessions end: epoch bumped), e-mail (sessions kept), audited with before and after', async () => {
      const o = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
      const start = await epoch(o.user.id);
      const mail = await as(hanoiAdmin)
        .patch(`/api/v1/admin/users/${o.user.id}`, { email: 'moi@example.vn' })
        .expect(200);
      expect(mail.body).toMatchObject({ email: 'moi@example.vn', role: 'OFFICER', unitCode: '00001' });
      expect(await epoch(o.user.id)).toBe(start);
      const moved = await as(hanoiAdmin)
        .patch(`/api/v1/admin/users/${o.user.id}`, { role: 'SUPERVISOR', unitCode: '001' })
        .expect(200);
      expect(moved.body).toMatchObject({ role: 'SUPERVISOR', unitCode: '001' });
      expect(await epoch(o.user.id)).toBe(start + 1);
      // The same values again change nothing and write nothing.
      await as(hanoiAdmin).patch(`/api/v1/admin/users/${o.user.id}`, { role: 'SUPERVISOR' }).expect(200);
      expect(await epoch(o.user.id)).toBe(start + 1);
      const audit = await as(national).get('/api/v1/admin/audit?action=USER_CHANGED&limit=100').expect(200);
      const rows = audit.body.items.filter((r: { subject: { id: string } }) => r.subject.id === o.user.id);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        actor: { id: hanoiAdmin.user.id, username: hanoiAdmin.username, role: 'ADMIN', unitCode: '01' },
        subject: { id: o.user.id, username: o.username },
        details: {
          before: { role: 'OFFICER', unitCode: '00001' },
          after: { role: 'SUPERVISOR', unitCode: '001' },
          sessionsEnded: true,
        },
        at: '2021-11-03T08:00:00.000+07:00',
      });
      expect(rows[1].details).toEqual({
        before: { email: null },
        after: { email: 'moi@example.vn' },
        sessionsEnded: false,
      });
    });

    it('refuses a change of its own role or unit (409), an unknown unit, a bad e-mail', async () => {
      await as(hanoiAdmin).patch(`/api/v1/admin/users/${hanoiAdmin.user.id}`, { unitCode: '001' }).expect(409);
      const o = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
      const unit = await as(hanoiAdmin).patch(`/api/v1/admin/users/${o.user.id}`, { unitCode: '99999' }).expect(400);
      expect(unit.body.errors).toEqual([expect.objectContaining({ field: 'unitCode', code: 'UNIT_UNKNOWN' })]);
      const mail = await as(hanoiAdmin).patch(`/api/v1/admin/users/${o.user.id}`, { email: 'not-mail' }).expect(400);
      expect(mail.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
      await as(hanoiAdmin).patch(`/api/v1/admin/users/${o.user.id}`, { passwordHash: 'x' }).expect(400);
    });

    it('disables (epoch bumped, audited once) and enables again (login works with the same password)', async () => {
      const o = await newOfficial(t, { role: Role.Officer, unitCode: '00004' });
      const start = await epoch(o.user.id);
      await as(hanoiAdmin).post(`/api/v1/admin/users/${o.user.id}/disable`).expect(200);
      await as(hanoiAdmin).post(`/api/v1/admin/users/${o.user.id}/disable`).expect(200);
      expect(await epoch(o.user.id)).toBe(start + 1);
      await t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password }).expect(401);
      const enabled = await as(hanoiAdmin).post(`/api/v1/admin/users/${o.user.id}/enable`).expect(200);
      expect(enabled.body.disabledAt).toBeNull();
      await t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password }).expect(200);
      const actions = await t.db.query(`SELECT action FROM audit_log WHERE subject_user_id = $1 ORDER BY id`, [
        o.user.id,
      ]);
      expect(actions.map((a: { action: string }) => a.action)).toEqual(['USER_DISABLED', 'USER_ENABLED']);
    });

    it('filters by enabled, 2FA and last login', async () => {
      const quiet = await newOfficial(t, { role: Role.Officer, unitCode: '00006' });
      const active = await newOfficial(t, { role: Role.Officer, unitCode: '00006' });
      const off = await newOfficial(t, { role: Role.Officer, unitCode: '00006' });
      await t.db.query(`UPDATE users SET last_login_at = $2, totp_enrolled_at = $2 WHERE id = $1`, [
        active.user.id,
        '2021-11-02T08:00:00+07:00',
      ]);
      await as(national).post(`/api/v1/admin/users/${off.user.id}/disable`).expect(200);
      const list = async (query: string) =>
        usernames(await as(national).get(`/api/v1/admin/users?unitCode=00006&${query}`).expect(200)).sort();
      expect(await list('enabled=true')).toEqual([quiet.username, active.username].sort());
      expect(await list('enabled=false')).toEqual([off.username]);
      expect(await list('totpEnrolled=true')).toEqual([active.username]);
      expect(await list('lastLoginSince=2021-11-01T00:00:00%2B07:00')).toEqual([active.username]);
      expect(await list('lastLoginBefore=2021-11-01T00:00:00%2B07:00&enabled=true')).toEqual([quiet.username]);
      await as(national).get('/api/v1/admin/users?enabled=yes').expect(400);
      await as(national).get('/api/v1/admin/users?lastLoginBefore=2021-11-01').expect(400);
    });

    it('creates without a password: a temporary one, answered once, that logs in and must be changed', async () => {
      const res = await as(hanoiAdmin)
        .post('/api/v1/admin/users', {
          username: 'tam.thoi',
          fullName: 'Phạm Văn Tâm',
          role: 'OFFICER',
          unitCode: '00001',
        })
        .expect(201);
      expect(res.body).toMatchObject({ passwordChangeRequired: true, temporaryPassword: expect.any(String) });
      expect(res.body.temporaryPassword).toMatch(/^([a-z2-9]{5}-){3}[a-z2-9]{5}$/);
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: 'tam.thoi', password: res.body.temporaryPassword })
        .expect(200);
      await t.http.post('/api/v1/auth/login').send({ username: 'tam.thoi', password: 'wrong' }).expect(401);
      const again = await as(hanoiAdmin).get(`/api/v1/admin/users/${res.body.id}`).expect(200);
      expect(again.body.temporaryPassword).toBeUndefined();
      const [audit] = await t.db.query(`SELECT action, details FROM audit_log WHERE subject_user_id = $1`, [
        res.body.id,
      ]);
      expect(audit.action).toBe('USER_CREATED');
      expect(JSON.stringify(audit.details)).not.toContain(res.body.temporaryPassword);
    });
  });

  describe('CSV import', () => {
    const HEADER = 'username,full name,role,unit code,e-mail';
    const WARDS = ['00001', '00004', '00006', '00007'];
    const rowsOf = (n: number, prefix: string) =>
      Array.from(
        { length: n },
        (_, i) => `${prefix}${i},Nguyễn Văn ${i},OFFICER,${WARDS[i % WARDS.length]},${prefix}${i}@example.vn`,
      );
    const count = async (prefix: string): Promise<number> =>
      (await t.db.query(`SELECT count(*)::int AS n FROM users WHERE username LIKE $1`, [`${prefix}%`]))[0].n;
    const auditCount = async (): Promise<number> => (await t.db.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n;

    it('12,000 rows with a BOM: the dry run names every bad row; the import writes nothing while one is bad, then all', async () => {
      const rows = rowsOf(12_000, 'imp');
      const good = rows.slice();
      rows[99] = 'imp99,Nguyễn Văn 99,OFFICER,99999,imp99@example.vn'; // line 101: unknown unit
      rows[4999] = 'imp4999,,OFFICER,00001,'; // line 5001: no name
      rows[7000] = 'imp0,Trùng tên,OFFICER,00001,'; // line 7002: username of line 2 again
      rows[11_999] = `${hanoiOfficer.username},Đã có,KING,26734,not-mail`; // line 12001: taken, role, reach, e-mail
      const file = Buffer.from(`\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`, 'utf8');
      const audits = await auditCount();

      const dry = await as(hanoiAdmin).csv('/api/v1/admin/users/import/dry-run', file).expect(200);
      expect(dry.body.rows).toBe(12_000);
      expect(dry.body.valid).toBe(false);
      expect(
        dry.body.problems.map((p: { line: number; field: string; code: string }) => [p.line, p.field, p.code]),
      ).toEqual([
        [101, 'unitCode', 'UNIT_UNKNOWN'],
        [5001, 'fullName', 'FULL_NAME_INVALID'],
        [7002, 'username', 'USERNAME_REPEATED'],
        [12001, 'role', 'ROLE_INVALID'],
        [12001, 'unitCode', 'UNIT_OUTSIDE_REACH'],
        [12001, 'email', 'EMAIL_INVALID'],
        [12001, 'username', 'USERNAME_EXISTS'],
      ]);
      expect(dry.body.problems[0].message).toBe('Không có đơn vị với mã này');

      const refused = await as(hanoiAdmin).csv('/api/v1/admin/users/import', file).expect(400);
      expect(refused.body.errors).toHaveLength(7);
      expect(refused.body.errors[0]).toMatchObject({ field: 'rows[101].unitCode', code: 'UNIT_UNKNOWN' });
      expect(await count('imp')).toBe(0);
      expect(await auditCount()).toBe(audits);

      const fixed = Buffer.from(`\uFEFF${[HEADER, ...good].join('\r\n')}\r\n`, 'utf8');
      await as(hanoiAdmin)
        .csv('/api/v1/admin/users/import/dry-run', fixed)
        .expect(200, { rows: 12_000, valid: true, problems: [] });
      const started = Date.now();
      const res = await as(hanoiAdmin).csv('/api/v1/admin/users/import', fixed).expect(201);
      const took = Date.now() - started;
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      const text = res.text;
      expect(text.startsWith('\uFEFF')).toBe(true);
      const handout: string[][] = parse(text.slice(1));
      expect(handout[0]).toEqual(['Tên đăng nhập', 'Họ và tên', 'Vai trò', 'Mã đơn vị', 'E-mail', 'Mật khẩu tạm thời']);
      expect(handout).toHaveLength(12_001);
      expect(new Set(handout.slice(1).map((r) => r[5])).size).toBe(12_000);
      expect(await count('imp')).toBe(12_000);
      const [flags] = await t.db.query(
        `SELECT bool_and(password_change_required) AS forced, count(DISTINCT password_hash)::int AS hashes
         FROM users WHERE username LIKE 'imp%'`,
      );
      expect(flags).toEqual({ forced: true, hashes: 12_000 });
      const [created] = await t.db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'USER_CREATED' AND actor_user_id = $1
           AND subject_username LIKE 'imp%'`,
        [hanoiAdmin.user.id],
      );
      expect(created.n).toBe(12_000);
      // A handed-out password opens its account.
      const [, sample] = handout;
      await t.http.post('/api/v1/auth/login').send({ username: sample[0], password: sample[5] }).expect(200);
      // No timed assertion (benchmarks are in bench/): the figure is logged for the reader.
      console.log(`12,000-row import answered in ${took} ms`);

      // The same file again: every row is now taken, nothing written.
      const again = await as(hanoiAdmin).csv('/api/v1/admin/users/import/dry-run', fixed).expect(200);
      expect(again.body.problems).toHaveLength(12_000);
    });

    it('reads a file without BOM, with semicolons and Vietnamese headers in another order', async () => {
      const file = [
        'Mã đơn vị;Họ và tên;Tên đăng nhập;E-mail;Vai trò',
        '00001;Đỗ Thị Lan;sc.lan;lan@example.vn;officer',
        '',
        '001;Vũ Văn Minh;sc.minh;;SUPERVISOR',
      ].join('\n');
      const dry = await as(hanoiAdmin).csv('/api/v1/admin/users/import/dry-run', file).expect(200);
      expect(dry.body).toEqual({ rows: 2, valid: true, problems: [] });
      const res = await as(hanoiAdmin).csv('/api/v1/admin/users/import', file).expect(201);
      const handout: string[][] = parse(res.text.slice(1));
      expect(handout.slice(1).map((r) => r.slice(0, 5))).toEqual([
        ['sc.lan', 'Đỗ Thị Lan', 'OFFICER', '00001', 'lan@example.vn'],
        ['sc.minh', 'Vũ Văn Minh', 'SUPERVISOR', '001', ''],
      ]);
    });

    it('refuses a file that is not UTF-8, one without the columns, an empty one', async () => {
      const latin1 = Buffer.from(`${HEADER}\nlatin.one,Nguy\xEAn V\xE3n A,OFFICER,00001,\n`, 'latin1');
      const notUtf8 = await as(hanoiAdmin).csv('/api/v1/admin/users/import/dry-run', latin1).expect(200);
      expect(notUtf8.body.problems).toEqual([
        expect.objectContaining({ line: 0, field: 'file', code: 'IMPORT_NOT_UTF8' }),
      ]);
      const columns = await as(hanoiAdmin)
        .csv('/api/v1/admin/users/import', 'username,full name\na.b.c,Tên\n')
        .expect(400);
      expect(columns.body.errors).toEqual([expect.objectContaining({ field: 'file', code: 'IMPORT_COLUMN_MISSING' })]);
      const empty = await as(hanoiAdmin).csv('/api/v1/admin/users/import/dry-run', `${HEADER}\n`).expect(200);
      expect(empty.body.problems).toEqual([expect.objectContaining({ code: 'IMPORT_EMPTY' })]);
      const rowShape = await as(hanoiAdmin)
        .csv('/api/v1/admin/users/import/dry-run', `${HEADER}\na.b.c,Tên,OFFICER\n`)
        .expect(200);
      expect(rowShape.body.problems).toEqual([expect.objectContaining({ line: 2, code: 'IMPORT_COLUMN_COUNT' })]);
    });

    it('defuses spreadsheet formulas in the handed-out CSV', async () => {
      const file = `${HEADER}\nformula.one,"=HYPERLINK(""http://evil.example"",""x"")",OFFICER,00001,\n`;
      const res = await as(hanoiAdmin).csv('/api/v1/admin/users/import', file).expect(201);
      const handout: string[][] = parse(res.text.slice(1));
      expect(handout[1][1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    });

    it('is for admins only, and a body over 5 MB is 413', async () => {
      await as(hanoiOfficer).csv('/api/v1/admin/users/import', `${HEADER}\n`).expect(403);
      await t.http.post('/api/v1/admin/users/import/dry-run').set('Content-Type', 'text/csv').send('x').expect(401);
      await as(national)
        .csv('/api/v1/admin/users/import/dry-run', Buffer.alloc(5 * 1024 * 1024 + 10, 'a'))
        .expect(413);
    });
  });
});
