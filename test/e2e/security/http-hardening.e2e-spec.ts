import jwt from 'jsonwebtoken';
import { FakeClock } from '@phananh/core';
import { Role, UsersService } from '@phananh/identity';
import { newTrackingCode } from '@phananh/reports';
import { Official, TestApp, createTestApp, exifPhoto, newAttachment, newOfficial, newTicket } from '@test/support';
import { newCitizen, reportBody } from '../public/report-bodies';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const ALLOWED_ORIGIN = 'https://congkhai.example.vn';

/**
 * The HTTP surface against an attacker: security headers on every kind of answer, CORS only
 * for the configured origins, uploads judged by their content whatever they claim, tokens
 * that are not exactly ours refused, and guessing (passwords, tracking codes) throttled per
 * real client address, with a wrong pair indistinguishable from an unknown code.
 */
describe('HTTP hardening', () => {
  let t: TestApp;
  let clock: FakeClock;
  let officer: Official;
  let admin: Official;

  beforeAll(async () => {
    clock = new FakeClock();
    t = await createTestApp({
      clock,
      worker: false,
      env: {
        CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.vn`,
        RATE_LIMIT_LOOKUPS_PER_MINUTE: '5',
        RATE_LIMIT_LOGINS_PER_MINUTE: '5',
        RATE_LIMIT_FILINGS_PER_MINUTE: '1000',
      },
    });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    admin = await newOfficial(t, { role: Role.Admin });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    const keys = await t.redis.keys(`${t.config.REDIS_PREFIX}:*throttle*`);
    const logins = await t.redis.keys(`${t.config.REDIS_PREFIX}:rl:*`);
    if (keys.length + logins.length) await t.redis.del(...keys, ...logins);
  });

  describe('security headers', () => {
    const expectHardened = (headers: Record<string, string>, what: string) => {
      expect([what, headers['x-content-type-options']]).toEqual([what, 'nosniff']);
      expect([what, headers['x-frame-options']]).toEqual([what, 'SAMEORIGIN']);
      expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
      expect(headers['content-security-policy']).toMatch(/object-src 'none'/);
      expect(headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(headers['x-powered-by']).toBeUndefined();
    };

    it('on JSON answers, problem answers, pages, the API document and files', async () => {
      const ticket = await newTicket(t, { unitCode: '00001' });
      const file = await newAttachment(t, ticket, PNG);
      const answers: [string, Record<string, string>][] = [
        ['json', (await t.http.get('/api/v1/reference/vaccines').expect(200)).headers],
        ['problem', (await t.http.get('/api/v1/tickets').expect(401)).headers],
        ['404', (await t.http.get('/nothing-here').expect(404)).headers],
        ['page', (await t.http.get('/').expect(200)).headers],
        ['docs', (await t.http.get('/docs-json').expect(200)).headers],
        [
          'file',
          (
            await t.http
              .get(`/api/v1/tickets/${ticket.trackingCode}/attachments/${file.id}`)
              .set('Authorization', officer.bearer)
              .expect(200)
          ).headers,
        ],
      ];
      for (const [what, headers] of answers) expectHardened(headers, what);
    });

    it('keeps answers carrying personal data out of every cache', async () => {
      const ticket = await newTicket(t, { unitCode: '00001' });
      const detail = await t.http.get(`/api/v1/tickets/${ticket.trackingCode}`).set('Authorization', officer.bearer);
      const queue = await t.http.get('/api/v1/tickets').set('Authorization', officer.bearer);
      const citizen = newCitizen();
      const filed = await t.http.post('/api/v1/reports').send(reportBody(citizen)).expect(201);
      const lookup = await t.http
        .post('/api/v1/reports/lookup')
        .send({ trackingCode: filed.body.trackingCode, citizenId: citizen.citizenId });
      for (const [what, res] of Object.entries({ detail, queue, filed, lookup })) {
        expect([what, res.status]).toEqual([what, 200 + (what === 'filed' ? 1 : 0)]);
        expect([what, res.headers['cache-control']]).toEqual([what, expect.stringMatching(/no-store/)]);
      }
    });
  });

  describe('CORS', () => {
    it('answers a configured origin, with no credentials', async () => {
      const res = await t.http.get('/api/v1/reference/vaccines').set('Origin', ALLOWED_ORIGIN).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toMatch(/Origin/);
      const preflight = await t.http
        .options('/api/v1/reports')
        .set('Origin', 'https://admin.example.vn')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,idempotency-key');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://admin.example.vn');
    });

    it('gives any other origin nothing to read, look-alikes included', async () => {
      for (const origin of [
        'https://evil.example.com',
        `${ALLOWED_ORIGIN}.evil.com`,
        'https://congkhai.example.vn.evil.com',
        'http://congkhai.example.vn',
        'null',
      ]) {
        const res = await t.http.get('/api/v1/reference/vaccines').set('Origin', origin);
        expect([origin, res.headers['access-control-allow-origin']]).toEqual([origin, undefined]);
        const preflight = await t.http
          .options('/api/v1/tickets')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'GET')
          .set('Access-Control-Request-Headers', 'authorization');
        expect([origin, preflight.headers['access-control-allow-origin']]).toEqual([origin, undefined]);
      }
    });

    it('answers no origin at all when CORS_ORIGINS is unset', async () => {
      const plain = await createTestApp({ worker: false });
      try {
        const res = await plain.http.get('/api/v1/reference/vaccines').set('Origin', ALLOWED_ORIGIN).expect(200);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await plain.close();
      }
    });
  });

  describe('uploads that lie about their type', () => {
    const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90)]);
    const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40)]);
    const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;');
    const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const lies: [Buffer, string, string][] = [
      [EXE, 'proof.jpg', 'image/jpeg'],
      [SVG, 'proof.png', 'image/png'],
      [SVG, 'proof.svg', 'image/svg+xml'],
      [ZIP, 'proof.pdf', 'application/pdf'],
      [GIF, 'proof.png', 'image/png'],
      [HTML, 'proof.pdf', 'application/pdf'],
      [Buffer.from('%PDF'), 'proof.pdf', 'application/pdf'], // a signature and nothing after it
    ];

    it('refuses each, names the part, and keeps no report', async () => {
      const [{ n: before }] = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
      for (const [content, filename, contentType] of lies) {
        const res = await t.http
          .post('/api/v1/reports')
          .field('report', JSON.stringify(reportBody()))
          .attach('attachments', content, { filename, contentType });
        expect([filename, contentType, res.status]).toEqual([filename, contentType, 400]);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'attachments.0', code: 'ATTACHMENT_TYPE' })]);
      }
      const [{ n: after }] = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
      expect(after).toBe(before);
    });

    it('stores and serves a real image by what it is, not by its name or declared type', async () => {
      const res = await t.http
        .post('/api/v1/reports')
        .field('report', JSON.stringify(reportBody()))
        .attach('attachments', await exifPhoto('jpeg'), { filename: 'proof.html', contentType: 'text/html' })
        .attach('attachments', PNG, { filename: 'proof.pdf', contentType: 'application/pdf' })
        .expect(201);
      const detail = await t.http
        .get(`/api/v1/tickets/${res.body.trackingCode}`)
        .set('Authorization', admin.bearer)
        .expect(200);
      const types = detail.body.attachments.map((a: { contentType: string }) => a.contentType).sort();
      expect(types).toEqual(['image/jpeg', 'image/png']);
      for (const a of detail.body.attachments as { id: string; contentType: string }[]) {
        const file = await t.http
          .get(`/api/v1/tickets/${res.body.trackingCode}/attachments/${a.id}`)
          .set('Authorization', admin.bearer)
          .expect(200);
        expect(file.headers['content-type']).toBe(a.contentType);
        expect(file.headers['x-content-type-options']).toBe('nosniff');
        expect(file.headers['content-disposition'] ?? 'inline').toMatch(/^inline/);
      }
    });
  });

  describe('access tokens', () => {
    const claims = (o: Official, extra: object = {}) => {
      const now = Math.floor(clock.now().getTime() / 1000);
      // A token as the service signs them (type, the account's session epoch), with the role raised.
      return {
        typ: 'access',
        sub: o.user.id,
        ep: o.user.sessionEpoch,
        role: 'ADMIN',
        unit: null,
        iat: now,
        exp: now + 600,
        ...extra,
      };
    };
    const refused = async (token: string) => {
      const res = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
      expect([token.slice(0, 40), res.status]).toEqual([token.slice(0, 40), 401]);
      expect(res.body.type).toBe('urn:phananh:problem:token-invalid');
    };

    it('refuses `alg: none` in any spelling, and an empty or foreign key', async () => {
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        await refused(`${b64({ alg, typ: 'JWT' })}.${b64(claims(officer))}.`);
      }
      await refused(jwt.sign(claims(officer), 'x', { algorithm: 'HS256' }));
      await refused(jwt.sign(claims(officer), 'secret', { algorithm: 'HS256', keyid: '../../../dev/null' }));
      await refused(jwt.sign(claims(officer), t.config.JWT_SECRET!, { algorithm: 'HS384' }));
    });

    it('refuses a genuine signature on a token that would never expire, or outlive its lifetime', async () => {
      const noExp = claims(officer, { role: 'OFFICER', unit: '00001' }) as Record<string, unknown>;
      delete noExp.exp;
      await refused(jwt.sign(noExp, t.config.JWT_SECRET!, { algorithm: 'HS256' }));
      const noIat = claims(officer, { role: 'OFFICER', unit: '00001' }) as Record<string, unknown>;
      delete noIat.iat;
      await refused(jwt.sign(noIat, t.config.JWT_SECRET!, { algorithm: 'HS256', noTimestamp: true }));
      const tenYears = claims(officer, { role: 'OFFICER', unit: '00001' });
      tenYears.exp = tenYears.iat + 10 * 365 * 86400;
      await refused(jwt.sign(tenYears, t.config.JWT_SECRET!, { algorithm: 'HS256' }));
    });

    it('takes the role and unit from the database, not from the token', async () => {
      const forged = jwt.sign(claims(officer), t.config.JWT_SECRET!, { algorithm: 'HS256' });
      await t.http.get('/api/v1/admin/users').set('Authorization', `Bearer ${forged}`).expect(403);
      const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${forged}`).expect(200);
      expect(me.body.role).toBe('OFFICER');
      const gone = await newOfficial(t);
      await t.db.query(`DELETE FROM users WHERE id = $1`, [gone.user.id]);
      await refused(gone.token);
    });
  });

  describe('guessing', () => {
    it('counts login attempts per real client address: a forged X-Forwarded-For changes nothing', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await t.http
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .send({ username: `guess-${i}`, password: 'wrong-password' });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      // Even the right password waits now.
      await t.http
        .post('/api/v1/auth/login')
        .send({ username: officer.username, password: officer.password })
        .expect(429);
      expect(await t.app.get(UsersService).forLogin(officer.username)).toBeTruthy();
    });

    it('makes a wrong pair and an unknown code the same answer, and throttles both alike', async () => {
      const citizen = newCitizen();
      const filed = await t.http.post('/api/v1/reports').send(reportBody(citizen)).expect(201);
      const wrongPair = await t.http
        .post('/api/v1/reports/lookup')
        .send({ trackingCode: filed.body.trackingCode, citizenId: newCitizen().citizenId });
      const unknown = await t.http
        .post('/api/v1/reports/lookup')
        .send({ trackingCode: newTrackingCode(), citizenId: citizen.citizenId });
      const shape = (res: { status: number; body: unknown; headers: Record<string, string> }) => ({
        status: res.status,
        body: res.body,
        type: res.headers['content-type'],
        length: res.headers['content-length'],
        headers: Object.keys(res.headers)
          .filter((h) => !['date', 'x-request-id', 'etag'].includes(h))
          .sort(),
      });
      expect(shape(wrongPair)).toEqual(shape(unknown));
      expect(wrongPair.status).toBe(404);

      // Three more guesses of either kind, from "different" forwarded addresses, then the limit.
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.http
          .post('/api/v1/reports/lookup')
          .set('X-Forwarded-For', `203.0.113.${i}`)
          .send({
            trackingCode: i % 2 ? filed.body.trackingCode : newTrackingCode(),
            citizenId: newCitizen().citizenId,
          });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
    });
  });
});
