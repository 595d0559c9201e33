import { Role } from '@phananh/identity';
import { RoutingService } from '@phananh/routing';
import { CampaignsService } from '@phananh/sla';
import { IssueType } from '@phananh/ticket-store';
import { Official, TestApp, createTestApp, newOfficial } from '@test/support';

describe('admin: officials and campaigns', () => {
  let t: TestApp;
  let admin: Official;
  let supervisor: Official;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' } });
    admin = await newOfficial(t, { role: Role.Admin });
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '01' });
  });
  afterAll(() => t.close());

  const as = (who: Official | null) => ({
    get: (path: string) => (who ? t.http.get(path).set('Authorization', who.bearer) : t.http.get(path)),
    post: (path: string, body: object = {}) =>
      who ? t.http.post(path).set('Authorization', who.bearer).send(body) : t.http.post(path).send(body),
  });
  const login = (username: string, password: string) => t.http.post('/api/v1/auth/login').send({ username, password });

  describe('users', () => {
    const body = (over: object = {}) => ({
      username: 'tram.phuctan',
      password: 'mot-mat-khau-du-dai',
      fullName: 'Trần Văn Cường',
      role: 'OFFICER',
      unitCode: '00037',
      email: 'cuong@example.vn',
      ...over,
    });

    it('creates an official (201, no password hash in the answer) who can then log in', async () => {
      const res = await as(admin).post('/api/v1/admin/users', body()).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: 'tram.phuctan',
        fullName: 'Trần Văn Cường',
        role: 'OFFICER',
        unitCode: '00037',
        email: 'cuong@example.vn',
        createdAt: '2021-11-03T08:00:00.000+07:00',
        disabledAt: null,
        // A new account must choose its own password at first login.
        passwordChangeRequired: true,
        lastLoginAt: null,
        totpEnrolledAt: null,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/argon|hash|"password"|temporaryPassword/i);
      await login('tram.phuctan', 'mot-mat-khau-du-dai').expect(200);
    });

    it('refuses a username taken in any case with 409', async () => {
      const res = await as(admin)
        .post('/api/v1/admin/users', body({ username: 'TRAM.PhucTan' }))
        .expect(409);
      expect(res.body.type).toBe('urn:phananh:problem:username-taken');
    });

    it('validates: short password, unknown unit, officer without unit, bad role, unknown field', async () => {
      const short = await as(admin).post('/api/v1/admin/users', body({ username: 'a1x', password: 'short' }));
      expect(short.status).toBe(400);
      expect(short.body.errors).toEqual([expect.objectContaining({ field: 'password', code: 'minLength' })]);
      const unit = await as(admin).post('/api/v1/admin/users', body({ username: 'a2x', unitCode: '99999' }));
      expect(unit.body.errors).toEqual([expect.objectContaining({ field: 'unitCode', code: 'UNIT_UNKNOWN' })]);
      const noUnit = await as(admin).post('/api/v1/admin/users', body({ username: 'a3x', unitCode: undefined }));
      expect(noUnit.body.errors).toEqual([expect.objectContaining({ field: 'unitCode', code: 'UNIT_REQUIRED' })]);
      const role = await as(admin).post('/api/v1/admin/users', body({ username: 'a4x', role: 'KING' }));
      expect(role.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
      const extra = await as(admin).post('/api/v1/admin/users', body({ username: 'a5x', isAdmin: true }));
      expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'isAdmin' })]);
      const name = await as(admin).post('/api/v1/admin/users', body({ username: 'a b' }));
      expect(name.body.errors).toEqual([expect.objectContaining({ field: 'username', code: 'isUsername' })]);
      // An admin needs no unit.
      await as(admin)
        .post('/api/v1/admin/users', body({ username: 'second.admin', role: 'ADMIN', unitCode: undefined }))
        .expect(201);
    });

    it('lists officials by username, filtered and paged', async () => {
      for (const n of [1, 2, 3]) {
        await as(admin)
          .post('/api/v1/admin/users', body({ username: `page.user${n}`, unitCode: '00004' }))
          .expect(201);
      }
      const first = await as(admin).get('/api/v1/admin/users?unitCode=00004&limit=2').expect(200);
      expect(first.body.items.map((u: { username: string }) => u.username)).toEqual(['page.user1', 'page.user2']);
      const second = await as(admin)
        .get(`/api/v1/admin/users?unitCode=00004&limit=2&cursor=${first.body.nextCursor}`)
        .expect(200);
      expect(second.body).toMatchObject({ items: [{ username: 'page.user3' }], nextCursor: null });
      const admins = await as(admin).get('/api/v1/admin/users?role=ADMIN').expect(200);
      expect(admins.body.items.every((u: { role: string }) => u.role === 'ADMIN')).toBe(true);
      await as(admin).get('/api/v1/admin/users?limit=0').expect(400);
      const forged = await as(admin).get('/api/v1/admin/users?cursor=%%%').expect(400);
      expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor', code: 'CURSOR_INVALID' })]);
    });

    it('disables an official: no login, and the token in hand stops working at once', async () => {
      const victim = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
      await as(victim).get('/api/v1/tickets').expect(200);
      const res = await as(admin).post(`/api/v1/admin/users/${victim.user.id}/disable`).expect(200);
      expect(res.body).toMatchObject({ id: victim.user.id, disabledAt: '2021-11-03T08:00:00.000+07:00' });
      await as(victim).get('/api/v1/tickets').expect(401);
      const refused = await login(victim.username, victim.password).expect(401);
      expect(refused.body.type).toBe('urn:phananh:problem:invalid-credentials');
      // Idempotent.
      await as(admin).post(`/api/v1/admin/users/${victim.user.id}/disable`).expect(200);
    });

    it('refuses to disable oneself, an unknown id, a malformed id', async () => {
      await as(admin).post(`/api/v1/admin/users/${admin.user.id}/disable`).expect(409);
      await as(admin).post('/api/v1/admin/users/00000000-0000-4000-8000-000000000000/disable').expect(404);
      const bad = await as(admin).post('/api/v1/admin/users/not-a-uuid/disable').expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    });

    it('lets routing see a newly staffed or emptied unit at once', async () => {
      const routing = t.app.get(RoutingService);
      const report = { doseWardCode: '26737', issueType: IssueType.MissingDose };
      expect((await routing.route(report)).code).not.toBe('26737');
      const res = await as(admin)
        .post('/api/v1/admin/users', body({ username: 'tram.dakao', unitCode: '26737' }))
        .expect(201);
      expect((await routing.route(report)).code).toBe('26737');
      await as(admin).post(`/api/v1/admin/users/${res.body.id}/disable`).expect(200);
      expect((await routing.route(report)).code).not.toBe('26737');
    });
  });

  describe('campaigns', () => {
    const campaign = (over: object = {}) => ({
      code: '2022-03',
      name: 'Rà soát tháng 3/2022',
      intakeFrom: '2022-03-01T00:00:00+07:00',
      intakeTo: '2022-03-15T00:00:00+07:00',
      cutoffAt: '2022-03-17T00:00:00+07:00',
      handlingHours: 72,
      ...over,
    });

    it('lists the 2021 campaign from the start', async () => {
      const res = await as(admin).get('/api/v1/admin/campaigns').expect(200);
      expect(res.body[0]).toMatchObject({
        code: '2021-11',
        intakeFrom: '2021-11-03T00:00:00.000+07:00',
        intakeTo: '2021-11-11T00:00:00.000+07:00',
        cutoffAt: '2021-11-13T00:00:00.000+07:00',
        handlingHours: 48,
      });
    });

    it('creates a campaign, which intake uses at once', async () => {
      const res = await as(admin).post('/api/v1/admin/campaigns', campaign()).expect(201);
      expect(res.body).toMatchObject({
        code: '2022-03',
        intakeFrom: '2022-03-01T00:00:00.000+07:00',
        cutoffAt: '2022-03-17T00:00:00.000+07:00',
        handlingHours: 72,
      });
      const campaigns = t.app.get(CampaignsService);
      expect((await campaigns.campaignAt(new Date('2022-03-10T12:00:00+07:00')))?.code).toBe('2022-03');
      const list = await as(admin).get('/api/v1/admin/campaigns').expect(200);
      expect(list.body.map((c: { code: string }) => c.code)).toEqual(['2021-11', '2022-03']);
      await as(admin).post('/api/v1/admin/campaigns', campaign()).expect(409);
    });

    it('validates instants with offsets, the window order and the handling time', async () => {
      const cases: [object, string, string][] = [
        [{ intakeFrom: '2022-04-01T00:00:00' }, 'intakeFrom', 'isInstantWithOffset'],
        [{ intakeFrom: '2022-04-01' }, 'intakeFrom', 'isInstantWithOffset'],
        [{ cutoffAt: 'tomorrow' }, 'cutoffAt', 'isInstantWithOffset'],
        [{ intakeTo: '2022-02-01T00:00:00+07:00' }, 'intakeTo', 'INTAKE_WINDOW_ORDER'],
        [{ cutoffAt: '2022-03-14T00:00:00+07:00' }, 'cutoffAt', 'CUTOFF_BEFORE_INTAKE_END'],
        [{ handlingHours: 0 }, 'handlingHours', 'min'],
        [{ handlingHours: 721 }, 'handlingHours', 'max'],
        [{ handlingHours: 1.5 }, 'handlingHours', 'isInt'],
        [{ code: 'bad code' }, 'code', 'matches'],
      ];
      for (const [over, field, code] of cases) {
        const res = await as(admin).post('/api/v1/admin/campaigns', campaign({ code: 'x-1', ...over }));
        expect(`${res.status} ${JSON.stringify(res.body.errors)}`).toContain('400');
        expect(res.body.errors).toEqual([expect.objectContaining({ field, code })]);
      }
      const en = await as(admin)
        .post('/api/v1/admin/campaigns', campaign({ code: 'x-2', intakeTo: '2022-02-01T00:00:00+07:00' }))
        .set('Accept-Language', 'en');
      expect(en.body.errors[0].message).toBe('The intake must end after it starts');
      // Exactly intakeTo = cutoffAt is allowed.
      await as(admin)
        .post('/api/v1/admin/campaigns', campaign({ code: 'x-3', cutoffAt: '2022-03-15T00:00:00+07:00' }))
        .expect(201);
    });
  });

  it('is for admins only: 403 for a supervisor, 401 without a token', async () => {
    const endpoints: [string, string][] = [
      ['post', '/api/v1/admin/users'],
      ['get', '/api/v1/admin/users'],
      ['post', `/api/v1/admin/users/${admin.user.id}/disable`],
      ['get', '/api/v1/admin/campaigns'],
      ['post', '/api/v1/admin/campaigns'],
    ];
    for (const [method, path] of endpoints) {
      const forbidden = await (method === 'get' ? as(supervisor).get(path) : as(supervisor).post(path, {}));
      expect(`${method} ${path} ${forbidden.status}`).toBe(`${method} ${path} 403`);
      expect(forbidden.body.type).toBe('urn:phananh:problem:forbidden');
      const anonymous = await (method === 'get' ? as(null).get(path) : as(null).post(path, {}));
      expect(`${method} ${path} ${anonymous.status}`).toBe(`${method} ${path} 401`);
    }
  });
});
