import { generateSync } from 'otplib';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { Official, TestApp, createTestApp, newOfficial, signIn, totpCode } from '@test/support';
import { ENDPOINT_MATRIX } from '../security/endpoint-matrix';
import { servedRoutes } from '../security/served-routes';

/** Sign-in security (issue 14): the second factor, the gate, sessions, throttling. */
describe('officials: second factor, forced change, sessions, throttling', () => {
  let t: TestApp;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock();
    t = await createTestApp({
      clock,
      worker: false,
      // Client addresses come through X-Forwarded-For from a trusted proxy; the per-address cap is
      // high here so that the growing delays are what is measured (auth.e2e-spec tests the cap).
      env: { TRUST_PROXY: 'loopback', RATE_LIMIT_LOGINS_PER_MINUTE: '10000' },
    });
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, bearer?: string, from = '192.0.2.10') => {
    const req = t.http.post(path).set('X-Forwarded-For', from);
    return (bearer ? req.set('Authorization', bearer) : req).send(body);
  };
  const get = (path: string, bearer: string) => t.http.get(path).set('Authorization', bearer);
  const bearerOf = (res: { body: { accessToken: string } }) => `Bearer ${res.body.accessToken}`;
  const login = (o: Official, from?: string) =>
    post('/api/v1/auth/login', { username: o.username, password: o.password }, undefined, from);

  describe('TOTP enrolment and the code step', () => {
    let o: Official;
    let secret: string;
    let recoveryCodes: string[];

    it('enrols with a QR code and the key as text, confirmed by a first code computed from the key', async () => {
      o = await newOfficial(t, { role: Role.Officer, twoFactor: false });
      const first = await login(o).expect(200);
      expect(first.body).toMatchObject({ twoFactorEnrolmentRequired: false, passwordChangeRequired: false });
      const bearer = bearerOf(first);
      const enrol = await post('/api/v1/auth/2fa/enrolment', {}, bearer).expect(201);
      secret = enrol.body.secret;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]{32}&issuer=/);
      expect(enrol.body.otpauthUri).toContain(secret);
      expect(enrol.body.qrCode).toMatch(/^data:image\/png;base64,/);
      // Pending until confirmed: the password alone still signs in.
      expect((await login(o).expect(200)).body.accessToken).toBeDefined();
      await post('/api/v1/auth/2fa/enrolment/confirm', { code: '000000' }, bearer).expect(401);
      const confirmed = await post('/api/v1/auth/2fa/enrolment/confirm', { code: totpCode(t, secret) }, bearer).expect(
        200,
      );
      recoveryCodes = confirmed.body.recoveryCodes;
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      const me = await get('/api/v1/auth/me', bearer).expect(200);
      expect(me.body).toMatchObject({ twoFactorEnrolled: true, recoveryCodesLeft: 10 });
      // Stored hashed and the key encrypted: neither is in the database as given.
      const [row] = await t.db.query(`SELECT totp_secret::text AS s FROM users WHERE id = $1`, [o.user.id]);
      expect(row.s).not.toContain(Buffer.from(secret).toString('hex'));
      const hashes = await t.db.query(`SELECT code_hash FROM user_recovery_codes WHERE user_id = $1`, [o.user.id]);
      expect(hashes).toHaveLength(10);
      expect(JSON.stringify(hashes)).not.toContain(recoveryCodes[0].replace(/-/g, ''));
    });

    it('then takes two steps: the password gives a challenge, the code the tokens', async () => {
      clock.advance(30_000);
      const first = await login(o).expect(200);
      expect(first.body).toEqual({ twoFactorRequired: true, challenge: expect.any(String), challengeExpiresIn: 300 });
      // The challenge is not an access token.
      await get('/api/v1/auth/me', `Bearer ${first.body.challenge}`).expect(401);
      const code = generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
      const done = await post('/api/v1/auth/login/code', { challenge: first.body.challenge, code }).expect(200);
      expect(done.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
      await get('/api/v1/auth/me', bearerOf(done)).expect(200);
      // An access token is not a challenge.
      await post('/api/v1/auth/login/code', { challenge: done.body.accessToken, code }).expect(401);

      // The same code again (a replay, even with a fresh challenge) is refused.
      const again = await login(o).expect(200);
      const replay = await post('/api/v1/auth/login/code', { challenge: again.body.challenge, code }).expect(401);
      expect(replay.body.type).toBe('urn:phananh:problem:code-invalid');
      // So is an older step's code; the next step's works.
      const older = totpCode(t, secret, -30);
      await post('/api/v1/auth/login/code', { challenge: again.body.challenge, code: older }).expect(401);
      clock.advance(30_000);
      await post('/api/v1/auth/login/code', { challenge: again.body.challenge, code: totpCode(t, secret) }).expect(200);
    });

    it('takes a recovery code once, in any case and spacing', async () => {
      const code = recoveryCodes[3];
      const first = await login(o).expect(200);
      const typed = ` ${code.toUpperCase().replace(/-/g, ' ')} `;
      await post('/api/v1/auth/login/code', { challenge: first.body.challenge, recoveryCode: typed }).expect(200);
      const second = await login(o).expect(200);
      const used = await post('/api/v1/auth/login/code', { challenge: second.body.challenge, recoveryCode: code });
      expect(used.status).toBe(401);
      expect(used.body.type).toBe('urn:phananh:problem:code-invalid');
      await post('/api/v1/auth/login/code', { challenge: second.body.challenge, recoveryCode: 'not-a-code' }).expect(
        401,
      );
    });

    it('refuses an expired challenge, and slows down wrong codes with a growing delay', async () => {
      const first = await login(o).expect(200);
      clock.advance(301_000);
      const late = await post('/api/v1/auth/login/code', {
        challenge: first.body.challenge,
        code: totpCode(t, secret),
      }).expect(401);
      expect(late.body.type).toBe('urn:phananh:problem:challenge-invalid');
      const fresh = await login(o).expect(200);
      // A right code clears the count of wrong ones (earlier tests left some).
      clock.advance(30_000);
      await post('/api/v1/auth/login/code', { challenge: fresh.body.challenge, code: totpCode(t, secret) }).expect(200);
      for (let i = 0; i < 3; i++) {
        await post('/api/v1/auth/login/code', { challenge: fresh.body.challenge, code: '123456' }).expect(401);
      }
      const slowed = await post('/api/v1/auth/login/code', { challenge: fresh.body.challenge, code: '123456' });
      expect(slowed.status).toBe(429);
      expect(slowed.headers['retry-after']).toBe('1');
      clock.advance(1_000);
      await post('/api/v1/auth/login/code', { challenge: fresh.body.challenge, code: '123456' }).expect(401);
      expect(
        (await post('/api/v1/auth/login/code', { challenge: fresh.body.challenge, code: '123456' })).headers[
          'retry-after'
        ],
      ).toBe('2');
      clock.advance(30_000);
      await post('/api/v1/auth/login/code', { challenge: fresh.body.challenge, code: totpCode(t, secret) }).expect(200);
    });
  });

  describe('REQUIRE_2FA_ROLES (default ADMIN, SUPERVISOR)', () => {
    it('lets a supervisor without a factor do nothing but enrol', async () => {
      const s = await newOfficial(t, { role: Role.Supervisor, unitCode: '001', twoFactor: false });
      const first = await login(s).expect(200);
      expect(first.body.twoFactorEnrolmentRequired).toBe(true);
      const bearer = bearerOf(first);
      const refused = await get('/api/v1/tickets', bearer).expect(403);
      expect(refused.body.type).toBe('urn:phananh:problem:two-factor-enrolment-required');
      expect((await get('/api/v1/auth/me', bearer).expect(200)).body.twoFactorEnrolmentRequired).toBe(true);
      const enrol = await post('/api/v1/auth/2fa/enrolment', {}, bearer).expect(201);
      await post('/api/v1/auth/2fa/enrolment/confirm', { code: totpCode(t, enrol.body.secret) }, bearer).expect(200);
      await get('/api/v1/tickets', bearer).expect(200);
      // Nor can it remove the factor its role requires.
      const remove = await post('/api/v1/auth/2fa/remove', { password: s.password }, bearer).expect(409);
      expect(remove.body.type).toBe('urn:phananh:problem:two-factor-required-for-role');
    });

    it('refuses the queues dashboard’s Basic sign-in to an admin with a factor (no code step there)', async () => {
      const a = await newOfficial(t, { role: Role.Admin });
      const basic = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
      await t.http.get('/admin/queues').set('Authorization', basic).expect(401);
    });
  });

  describe('the forced password change', () => {
    it('gates every other endpoint, then the policy decides the new password', async () => {
      const o = await newOfficial(t, { passwordChangeRequired: true, username: 'tram.phucxa.moi' });
      const first = await login(o).expect(200);
      expect(first.body.passwordChangeRequired).toBe(true);
      const bearer = bearerOf(first);
      const allowed = new Set([
        'GET /api/v1/auth/me',
        'POST /api/v1/auth/password',
        'POST /api/v1/auth/2fa/enrolment',
        'POST /api/v1/auth/2fa/enrolment/confirm',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/logout-everywhere',
      ]);
      // Every served route that needs a login (anonymous: 401 in the matrix), with any parameters:
      // the gate answers before anything else looks at them.
      // (/metrics answers its own token, not an official's: not behind the sign-in.)
      const gated = servedRoutes(t.app).filter(
        (r) => ENDPOINT_MATRIX[r]?.anonymous === 401 && !allowed.has(r) && r !== 'GET /metrics',
      );
      expect(gated.length).toBeGreaterThan(20);
      const answers: string[] = [];
      for (const route of gated) {
        const [method, template] = route.split(' ');
        const path = template.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
        const res = await t.http[method.toLowerCase() as 'get'](path).set('Authorization', bearer).send({});
        if (res.status !== 403 || res.body.type !== 'urn:phananh:problem:password-change-required') {
          answers.push(`${route}: ${res.status} ${res.body?.type}`);
        }
      }
      expect(answers).toEqual([]);
      expect((await get('/api/v1/auth/me', bearer).expect(200)).body.passwordChangeRequired).toBe(true);

      const change = (currentPassword: string, newPassword: string) =>
        post('/api/v1/auth/password', { currentPassword, newPassword }, bearer);
      const wrong = await change('not-the-password', 'mot-mat-khau-moi-du-dai').expect(403);
      expect(wrong.body.type).toBe('urn:phananh:problem:current-password-wrong');
      const policy = async (next: string) => (await change(o.password, next).expect(400)).body.errors[0].code;
      expect(await policy('ngan-qua')).toBe('PASSWORD_TOO_SHORT');
      expect(await policy('xx-Tram.PhucXa.Moi-xx')).toBe('PASSWORD_CONTAINS_USERNAME');
      expect(await policy('qwerty123456')).toBe('PASSWORD_COMMON');
      expect(await policy('1q2w3e4r5t6y')).toBe('PASSWORD_COMMON');
      expect(await policy(o.password)).toBe('PASSWORD_UNCHANGED');
      const done = await change(o.password, 'mot-mat-khau-moi-du-dai').expect(200);
      expect(done.body.passwordChangeRequired).toBe(false);
      await get('/api/v1/tickets', bearerOf(done)).expect(200);
      // The old password no longer signs in; the new one does.
      await login(o).expect(401);
      await post('/api/v1/auth/login', { username: o.username, password: 'mot-mat-khau-moi-du-dai' }).expect(200);
    });
  });

  describe('sessions', () => {
    it('rotates the refresh token on every use; an old one presented again ends the session', async () => {
      const o = await newOfficial(t);
      const first = await login(o).expect(200);
      const r1 = first.body.refreshToken as string;
      const second = await post('/api/v1/auth/refresh', { refreshToken: r1 }).expect(200);
      const r2 = second.body.refreshToken as string;
      expect(r2).not.toBe(r1);
      expect(r2.split('.')[0]).toBe(r1.split('.')[0]);
      await get('/api/v1/auth/me', bearerOf(second)).expect(200);
      const third = await post('/api/v1/auth/refresh', { refreshToken: r2 }).expect(200);
      await get('/api/v1/auth/me', bearerOf(third)).expect(200);

      // A thief replays r1: refused, and the whole session is over for the owner too.
      const reuse = await post('/api/v1/auth/refresh', { refreshToken: r1 }).expect(401);
      expect(reuse.body.type).toBe('urn:phananh:problem:refresh-invalid');
      await post('/api/v1/auth/refresh', { refreshToken: third.body.refreshToken }).expect(401);
      await get('/api/v1/auth/me', bearerOf(third)).expect(401);
      const [row] = await t.db.query(`SELECT revoked_reason FROM auth_sessions WHERE id = $1`, [r1.split('.')[0]]);
      expect(row.revoked_reason).toBe('REFRESH_TOKEN_REUSED');
      expect(t.logs.text()).toContain('old refresh token replayed');
      expect(t.logs.text()).not.toContain(r1.split('.')[1]);
      // Garbage is just refused.
      for (const refreshToken of ['x', 'a.b', `${r1.split('.')[0]}`]) {
        await post('/api/v1/auth/refresh', { refreshToken }).expect(401);
      }
    });

    it('keeps a shift going with refreshes, and ends it after SESSION_TTL_HOURS', async () => {
      const o = await newOfficial(t);
      let res = await login(o).expect(200);
      expect(res.body.refreshExpiresIn).toBe(12 * 3600);
      for (let i = 0; i < 11; i++) {
        clock.advance(3600_000);
        // The access token of an hour ago is over; the refresh token gives the next one.
        await get('/api/v1/auth/me', bearerOf(res)).expect(401);
        res = await post('/api/v1/auth/refresh', { refreshToken: res.body.refreshToken }).expect(200);
        await get('/api/v1/auth/me', bearerOf(res)).expect(200);
      }
      clock.advance(3600_000);
      await post('/api/v1/auth/refresh', { refreshToken: res.body.refreshToken }).expect(401);
    });

    it('a password change ends every other session; this one goes on', async () => {
      const o = await newOfficial(t);
      const a = await login(o).expect(200);
      const b = await login(o).expect(200);
      const changed = await post(
        '/api/v1/auth/password',
        { currentPassword: o.password, newPassword: 'mot-mat-khau-moi-du-dai-2' },
        bearerOf(a),
      ).expect(200);
      await get('/api/v1/auth/me', bearerOf(b)).expect(401);
      await post('/api/v1/auth/refresh', { refreshToken: b.body.refreshToken }).expect(401);
      // A's old access token carried the old epoch; the new one works, in the same session.
      await get('/api/v1/auth/me', bearerOf(a)).expect(401);
      await get('/api/v1/auth/me', bearerOf(changed)).expect(200);
      expect(changed.body.refreshToken.split('.')[0]).toBe(a.body.refreshToken.split('.')[0]);
      await post('/api/v1/auth/refresh', { refreshToken: changed.body.refreshToken }).expect(200);
      // A's refresh token from before the change was spent by it: presented again, it is a reuse.
      await post('/api/v1/auth/refresh', { refreshToken: a.body.refreshToken }).expect(401);
    });

    it('lists and ends own sessions; logout; log out everywhere', async () => {
      const o = await newOfficial(t);
      const other = await newOfficial(t);
      const a = await login(o).expect(200);
      const b = await t.http
        .post('/api/v1/auth/login')
        .set('User-Agent', 'Tablet-Browser/1.0')
        .send({ username: o.username, password: o.password })
        .expect(200);
      const c = await login(o).expect(200);
      const list = await get('/api/v1/auth/sessions', bearerOf(a)).expect(200);
      expect(list.body).toHaveLength(3);
      expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      expect(list.body.map((s: { userAgent: string }) => s.userAgent)).toContain('Tablet-Browser/1.0');
      const bId = b.body.refreshToken.split('.')[0];
      // Another official cannot end it (404, as for a session that does not exist).
      const theirs = await login(other).expect(200);
      await t.http.delete(`/api/v1/auth/sessions/${bId}`).set('Authorization', bearerOf(theirs)).expect(404);
      await t.http.delete(`/api/v1/auth/sessions/not-a-uuid`).set('Authorization', bearerOf(theirs)).expect(404);
      await get('/api/v1/auth/me', bearerOf(b)).expect(200);
      await t.http.delete(`/api/v1/auth/sessions/${bId}`).set('Authorization', bearerOf(a)).expect(204);
      await get('/api/v1/auth/me', bearerOf(b)).expect(401);
      expect((await get('/api/v1/auth/sessions', bearerOf(a)).expect(200)).body).toHaveLength(2);

      await post('/api/v1/auth/logout', {}, bearerOf(c)).expect(204);
      await get('/api/v1/auth/me', bearerOf(c)).expect(401);
      await post('/api/v1/auth/refresh', { refreshToken: c.body.refreshToken }).expect(401);
      await get('/api/v1/auth/me', bearerOf(a)).expect(200);

      const d = await login(o).expect(200);
      await post('/api/v1/auth/logout-everywhere', {}, bearerOf(d)).expect(204);
      for (const s of [a, d]) {
        await get('/api/v1/auth/me', bearerOf(s)).expect(401);
        await post('/api/v1/auth/refresh', { refreshToken: s.body.refreshToken }).expect(401);
      }
      await get('/api/v1/auth/me', bearerOf(theirs)).expect(200);
    });
  });

  describe('throttling: a growing delay, never a lock an attacker can hold', () => {
    it("an attacker's wrong passwords from one address delay the official at another by seconds at most", async () => {
      const o = await newOfficial(t);
      const attacker = '203.0.113.66';
      // Two hours of a patient attacker who retries as soon as allowed.
      const until = clock.now().getTime() + 2 * 3600_000;
      let wrong = 0;
      let lastWait = 0;
      while (clock.now().getTime() < until) {
        const res = await post(
          '/api/v1/auth/login',
          { username: o.username, password: `guess-${wrong}` },
          undefined,
          attacker,
        );
        if (res.status === 401) wrong++;
        else {
          expect(res.status).toBe(429);
          lastWait = Number(res.headers['retry-after']);
          clock.advance(lastWait * 1000);
        }
      }
      // 3 free tries, then 1 s, 2 s, 4 s… up to 15 minutes between tries.
      expect(wrong).toBeLessThan(20);
      expect(lastWait).toBeGreaterThan(60);
      const guess = () => post('/api/v1/auth/login', { username: o.username, password: 'guess' }, undefined, attacker);
      await guess();
      const refused = await guess();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);

      // The official, elsewhere: in at once, or after a wait of seconds.
      let res = await signIn(t, o, '198.51.100.4');
      let waited = 0;
      while (res.status === 429) {
        const wait = Number(res.headers['retry-after']);
        waited += wait;
        clock.advance(wait * 1000);
        res = await signIn(t, o, '198.51.100.4');
      }
      expect(res.status).toBe(200);
      expect(waited).toBeLessThanOrEqual(30);
      // The official's sign-in cleared the account's shared count, not the attacker's own delay.
      expect((await guess()).status).toBe(429);
      const [{ at }] = await t.db.query(`SELECT last_login_at AS at FROM users WHERE id = $1`, [o.user.id]);
      expect(at).toEqual(clock.now());
    });

    it('many addresses against one account: the shared delay stays short', async () => {
      const o = await newOfficial(t);
      for (let i = 0; i < 40; i++) {
        const res = await post(
          '/api/v1/auth/login',
          { username: o.username, password: 'x' },
          undefined,
          `203.0.113.${i}`,
        );
        if (res.status === 429) {
          expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
          clock.advance(Number(res.headers['retry-after']) * 1000);
        }
      }
      const blocked = await login(o, '198.51.100.9');
      if (blocked.status === 429) {
        expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(30);
        clock.advance(Number(blocked.headers['retry-after']) * 1000);
      }
      await login(o, '198.51.100.9').expect(200);
    });
  });

  describe('admin resets (audited)', () => {
    it('reset password: a one-time temporary password, every session ended, the change forced', async () => {
      const admin = await newOfficial(t, { role: Role.Admin });
      const o = await newOfficial(t);
      const session = await login(o).expect(200);
      const res = await post(`/api/v1/admin/users/${o.user.id}/reset-password`, {}, admin.bearer).expect(200);
      const temp = res.body.temporaryPassword as string;
      expect(temp).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
      await get('/api/v1/auth/me', bearerOf(session)).expect(401);
      await post('/api/v1/auth/refresh', { refreshToken: session.body.refreshToken }).expect(401);
      await login(o).expect(401);
      const next = await post('/api/v1/auth/login', { username: o.username, password: temp }).expect(200);
      expect(next.body.passwordChangeRequired).toBe(true);
      await get('/api/v1/tickets', bearerOf(next)).expect(403);
      const [row] = await t.db.query(
        `SELECT action, actor_username, subject_username, details FROM audit_log
         WHERE action = 'PASSWORD_RESET' AND subject_user_id = $1`,
        [o.user.id],
      );
      expect(row).toMatchObject({ actor_username: admin.username, subject_username: o.username });
      expect(JSON.stringify(row)).not.toContain(temp);
      expect(t.logs.text()).not.toContain(temp);
    });

    it('reset 2FA: the factor and recovery codes are gone, sessions ended, the role enrols again', async () => {
      const admin = await newOfficial(t, { role: Role.Admin });
      const s = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
      const before = await signIn(t, s);
      expect(before.status).toBe(200);
      await post(`/api/v1/admin/users/${s.user.id}/reset-2fa`, {}, admin.bearer).expect(204);
      await get('/api/v1/auth/me', bearerOf(before)).expect(401);
      const after = await login(s).expect(200);
      expect(after.body).toMatchObject({ twoFactorEnrolmentRequired: true });
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM user_recovery_codes WHERE user_id = $1`, [
        s.user.id,
      ]);
      expect(n).toBe(0);
      const [row] = await t.db.query(
        `SELECT details FROM audit_log WHERE action = 'TWO_FACTOR_RESET' AND subject_user_id = $1`,
        [s.user.id],
      );
      expect(row.details).toMatchObject({ hadFactor: true });
      await post(`/api/v1/admin/users/00000000-0000-4000-8000-000000000000/reset-2fa`, {}, admin.bearer).expect(404);
      await post(`/api/v1/admin/users/nope/reset-password`, {}, admin.bearer).expect(400);
      // Not for other roles.
      await post(`/api/v1/admin/users/${s.user.id}/reset-password`, {}, before.body.accessToken).expect(401);
      const officer = await newOfficial(t);
      await post(`/api/v1/admin/users/${s.user.id}/reset-password`, {}, officer.bearer).expect(403);
    });
  });
});
