import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { FakeClock } from '@phananh/core';
import { Role, UsersService } from '@phananh/identity';
import { NATIONAL_ADMIN, TestApp, createTestApp, newOfficial } from '@test/support';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('officials: login and access tokens', () => {
  let t: TestApp;
  let clock: FakeClock;
  const LIMIT = 5;

  beforeAll(async () => {
    clock = new FakeClock();
    t = await createTestApp({
      clock,
      worker: false,
      env: {
        RATE_LIMIT_LOGINS_PER_MINUTE: String(LIMIT),
        ADMIN_USERNAME: 'root.admin',
        ADMIN_PASSWORD: 'a-very-long-admin-password',
      },
    });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    const keys = await t.redis.keys(`${t.config.REDIS_PREFIX}:rl:*`);
    if (keys.length) await t.redis.del(...keys);
  });

  const me = (authorization?: string) => {
    const req = t.http.get('/api/v1/auth/me');
    return authorization ? req.set('Authorization', authorization) : req;
  };

  it('logs in with username and password, case-insensitively on the username, and the token works', async () => {
    const o = await newOfficial(t, { role: Role.Officer, unitCode: '00001', username: 'CanBo.PhucXa' });
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'canbo.phucxa', password: o.password })
      .expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      expiresIn: 900,
      refreshToken: expect.any(String),
      refreshExpiresIn: 12 * 3600,
      passwordChangeRequired: false,
      twoFactorEnrolmentRequired: false,
    });
    const [header, payload] = res.body.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      sub: o.user.id,
      role: 'OFFICER',
      unit: '00001',
      typ: 'access',
      ep: 0,
      sid: res.body.refreshToken.split('.')[0],
    });
    const who = await me(`Bearer ${res.body.accessToken}`).expect(200);
    expect(who.body).toMatchObject({
      username: 'CanBo.PhucXa',
      role: 'OFFICER',
      unit: { code: '00001', level: 'ward' },
    });
    expect(JSON.stringify(who.body)).not.toContain(o.password);
    expect(JSON.stringify(who.body)).not.toMatch(/hash|secret/i);
  });

  it('answers a wrong password, an unknown user and a disabled account with the same 401', async () => {
    const o = await newOfficial(t);
    const wrong = await t.http.post('/api/v1/auth/login').send({ username: o.username, password: 'nope' });
    const unknown = await t.http.post('/api/v1/auth/login').send({ username: 'nobody-here', password: 'nope' });
    await t.app.get(UsersService).disable(NATIONAL_ADMIN, o.user.id);
    const disabled = await t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password });
    for (const res of [wrong, unknown, disabled]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(unknown.body).toEqual(wrong.body);
    expect(disabled.body).toEqual(wrong.body);
    expect(wrong.body.type).toBe('urn:phananh:problem:invalid-credentials');
  });

  it('validates the login body', async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ username: 'x', extra: 1 }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'password']);
  });

  it('slows attempts per username with a growing delay (Retry-After), not a lock', async () => {
    const o = await newOfficial(t);
    for (let i = 0; i < 3; i++) {
      await t.http.post('/api/v1/auth/login').send({ username: o.username, password: 'wrong' }).expect(401);
    }
    const res = await t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.type).toBe('urn:phananh:problem:too-many-logins');
    clock.advance(1_000);
    await t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password }).expect(200);
    expect(t.logs.text()).not.toContain('login throttling unavailable');
  });

  it('throttles attempts per client address, whatever the usernames', async () => {
    for (let i = 0; i < LIMIT; i++) {
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: `guess-${i}`, password: 'wrong' })
        .expect(401);
    }
    const o = await newOfficial(t);
    const res = await t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  describe('refuses every token that is not ours, current and valid', () => {
    let o: Awaited<ReturnType<typeof newOfficial>>;
    beforeAll(async () => {
      o = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    });
    const claims = () => {
      const now = Math.floor(clock.now().getTime() / 1000);
      return { sub: o.user.id, role: 'ADMIN', unit: null, iat: now, exp: now + 600 };
    };
    const expect401 = async (authorization: string | undefined) => {
      const res = await me(authorization);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.type).toBe('urn:phananh:problem:token-invalid');
    };

    it('accepts the genuine token', async () => {
      await me(o.bearer).expect(200);
    });

    it('no token, a malformed header, garbage', async () => {
      await expect401(undefined);
      await expect401(o.token);
      await expect401('Basic Zm9vOmJhcg==');
      await expect401('Bearer not.a.token');
    });

    it('a tampered payload (role raised to ADMIN) keeps the old signature', async () => {
      const [h, , s] = o.token.split('.');
      await expect401(`Bearer ${h}.${b64(claims())}.${s}`);
    });

    it('alg none', async () => {
      await expect401(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`);
      await expect401(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}`);
    });

    it('HS512 with the right secret, HS256 with another secret, RS256', async () => {
      await expect401(`Bearer ${jwt.sign(claims(), t.config.JWT_SECRET!, { algorithm: 'HS512' })}`);
      await expect401(`Bearer ${jwt.sign(claims(), 'x'.repeat(40), { algorithm: 'HS256' })}`);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await expect401(`Bearer ${jwt.sign(claims(), privateKey, { algorithm: 'RS256' })}`);
    });

    it('expires on the service clock', async () => {
      const fresh = await newOfficial(t);
      await me(fresh.bearer).expect(200);
      clock.advance(899_000);
      await me(fresh.bearer).expect(200);
      clock.advance(2_000);
      await expect401(fresh.bearer);
      clock.advance(-901_000);
    });

    it('a token of an older session epoch is refused (log out everywhere, password change…)', async () => {
      const moved = await newOfficial(t);
      await me(moved.bearer).expect(200);
      await t.app.get(UsersService).bumpEpoch(moved.user.id);
      await expect401(moved.bearer);
    });

    it('a token without its type or epoch (an older build’s) is refused', async () => {
      const now = Math.floor(clock.now().getTime() / 1000);
      const old = { sub: o.user.id, role: 'SUPERVISOR', unit: '001', iat: now, exp: now + 600 };
      await expect401(`Bearer ${jwt.sign(old, t.config.JWT_SECRET!, { algorithm: 'HS256' })}`);
      await expect401(`Bearer ${jwt.sign({ ...old, typ: 'access' }, t.config.JWT_SECRET!, { algorithm: 'HS256' })}`);
      await expect401(
        `Bearer ${jwt.sign({ ...old, typ: 'challenge', ep: 0 }, t.config.JWT_SECRET!, { algorithm: 'HS256' })}`,
      );
      await me(
        `Bearer ${jwt.sign({ ...old, typ: 'access', ep: 0 }, t.config.JWT_SECRET!, { algorithm: 'HS256' })}`,
      ).expect(200);
    });

    it('a token of an account disabled since is refused', async () => {
      const gone = await newOfficial(t);
      await me(gone.bearer).expect(200);
      await t.app.get(UsersService).disable(NATIONAL_ADMIN, gone.user.id);
      await expect401(gone.bearer);
    });
  });

  describe('the first admin from ADMIN_USERNAME/ADMIN_PASSWORD', () => {
    it('exists and can log in', async () => {
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ username: 'root.admin', password: 'a-very-long-admin-password' })
        .expect(200);
      // An admin must enrol a second factor (REQUIRE_2FA_ROLES) before anything else.
      expect(res.body.twoFactorEnrolmentRequired).toBe(true);
      const who = await me(`Bearer ${res.body.accessToken}`).expect(200);
      expect(who.body).toMatchObject({ role: 'ADMIN', unit: null, twoFactorEnrolmentRequired: true });
    });

    it('is created once however many processes start together', async () => {
      const users = t.app.get(UsersService);
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => users.ensureAdmin('other.admin', 'another-long-password')),
      );
      expect(results.filter(Boolean)).toHaveLength(0);
      await t.db.query(`DELETE FROM users WHERE role = 'ADMIN'`);
      const again = await Promise.all(
        [1, 2, 3, 4].map(() => users.ensureAdmin('other.admin', 'another-long-password')),
      );
      expect(again.filter(Boolean)).toHaveLength(1);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users WHERE role = 'ADMIN'`);
      expect(count).toBe(1);
    });
  });
});
