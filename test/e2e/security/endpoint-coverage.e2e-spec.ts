import { Controller, Get, INestApplication, Module, Param, Post } from '@nestjs/common';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { QueueName, QueueService } from '@phananh/queue';
import {
  LogCapture,
  Official,
  TestApp,
  createTestApp,
  isolatedEnv,
  newOfficial,
  signIn,
  startApiApp,
  testConfig,
} from '@test/support';
import { ENDPOINT_MATRIX } from './endpoint-matrix';
import { matrixGaps, mountedPrefixes, servedRoutes } from './served-routes';

@Controller('api/v1/unlisted')
class UnlistedController {
  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }

  @Post()
  create() {
    return {};
  }
}

@Module({ controllers: [UnlistedController] })
class UnlistedModule {}

/**
 * The endpoint × role matrix (endpoint-matrix.ts) only protects what it lists. Here: its
 * completeness check really fails for an endpoint someone adds without an entry; the
 * sub-applications mounted outside the route table are exactly the known ones; and the one
 * that needs a login, the queue dashboard, is for admins only on every path under it.
 */
describe('endpoint coverage', () => {
  describe('the completeness check of the matrix', () => {
    let app: INestApplication;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const env = await isolatedEnv();
      drop = env.drop;
      app = await startApiApp({ config: testConfig(env), clock: new FakeClock(), logStream: new LogCapture() }, [
        { module: UnlistedModule, imports: [] },
      ]);
    });
    afterAll(async () => {
      await app.close();
      await drop();
    });

    it('fails for a route that has no entry, naming it', () => {
      const routes = servedRoutes(app);
      expect(routes).toEqual(expect.arrayContaining(['GET /api/v1/unlisted/{id}', 'POST /api/v1/unlisted']));
      expect(matrixGaps(routes, ENDPOINT_MATRIX)).toEqual({
        missing: ['GET /api/v1/unlisted/{id}', 'POST /api/v1/unlisted'],
        stale: [],
      });
    });

    it('fails when an entry is taken out, and for an entry whose route is gone', () => {
      const routes = servedRoutes(app).filter((r) => !r.includes('/unlisted'));
      const { ['GET /api/v1/tickets']: _removed, ...fewer } = ENDPOINT_MATRIX;
      expect(matrixGaps(routes, fewer)).toEqual({ missing: ['GET /api/v1/tickets'], stale: [] });
      expect(
        matrixGaps(routes, { ...ENDPOINT_MATRIX, 'DELETE /api/v1/gone': ENDPOINT_MATRIX['GET /api/v1/tickets'] }),
      ).toEqual({ missing: [], stale: ['DELETE /api/v1/gone'] });
      expect(matrixGaps(routes, ENDPOINT_MATRIX)).toEqual({ missing: [], stale: [] });
    });

    it('knows every sub-application mounted outside the route table', () => {
      // A new mount point fails here until it has an access test like the dashboard's below.
      expect(mountedPrefixes(app)).toEqual(['/admin/queues', '/assets/vendor/chartjs', '/docs']);
    });
  });

  describe('chart.js (/assets/vendor/chartjs), outside the route table', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ worker: false });
    });
    afterAll(() => t.close());

    it("serves chart.js's browser build to anyone (a public static file, as the pages are)", async () => {
      const res = await t.http.get('/assets/vendor/chartjs/chart.umd.min.js').expect(200);
      expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
      expect(res.text).toMatch(/Chart\.js v4/);
    });

    it('serves nothing else: no listing, no file outside chart.js/dist, an unknown file is the problem+json 404', async () => {
      for (const path of [
        '/assets/vendor/chartjs/',
        '/assets/vendor/chartjs/missing.js',
        '/assets/vendor/chartjs/../../package.json',
        '/assets/vendor/chartjs/%2e%2e/package.json',
        '/assets/vendor/chartjs/..%2f..%2fpackage.json',
      ]) {
        const res = await t.http.get(path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.text).not.toMatch(/"name": "chart\.js"/);
      }
    });
  });

  describe('the queue dashboard (/admin/queues), outside the route table', () => {
    let t: TestApp;
    const people: Record<string, Official> = {};
    const PATHS: [method: 'get' | 'put', path: string][] = [
      ['get', '/admin/queues'],
      ['get', '/admin/queues/api/queues'],
      ['get', '/admin/queues/api/redis/stats'],
      ['put', '/admin/queues/api/queues/sla/pause'],
      ['put', '/admin/queues/api/queues/sla/empty'],
    ];

    beforeAll(async () => {
      t = await createTestApp({ worker: false, env: { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' } });
      people.officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
      people.supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '01' });
      people.admin = await newOfficial(t, { role: Role.Admin });
    });
    afterAll(() => t.close());

    const basic = (o: Official, password = o.password) =>
      `Basic ${Buffer.from(`${o.username}:${password}`).toString('base64')}`;

    it('asks anyone without credentials, or with wrong ones, to log in (401), on every path', async () => {
      for (const [method, path] of PATHS) {
        // A wrong password for a name of its own on each path: the point is the 401, not the growing delay.
        const wrong = basic({ ...people.admin, username: `nobody${path.replace(/\W/g, '-')}` }, 'wrong-password');
        for (const authorization of [undefined, 'Bearer not.a.token', wrong]) {
          const req = t.http[method](path);
          const res = await (authorization ? req.set('Authorization', authorization) : req);
          expect([path, res.status]).toEqual([path, 401]);
          expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
          expect(res.headers['set-cookie']).toBeUndefined();
        }
      }
    });

    it('refuses officers and supervisors (403), by token or by password, and changes nothing', async () => {
      for (const who of ['officer', 'supervisor']) {
        // A supervisor has a second factor (REQUIRE_2FA_ROLES): Basic has no code step, so the password alone is 401.
        for (const [authorization, status] of [
          [people[who].bearer, 403],
          [basic(people[who]), who === 'supervisor' ? 401 : 403],
        ] as const) {
          for (const [method, path] of PATHS) {
            const res = await t.http[method](path).set('Authorization', authorization);
            expect([who, path, res.status]).toEqual([who, path, status]);
          }
        }
      }
      expect(await t.app.get(QueueService).queue(QueueName.Sla).isPaused()).toBe(false);
    });

    it('lets an admin in, and keeps the session in an HttpOnly, SameSite=Strict cookie for this path only', async () => {
      // The password alone is not enough for an admin with a second factor; a signed-in admin's token is.
      await t.http.get('/admin/queues/api/queues').set('Authorization', basic(people.admin)).expect(401);
      const signedIn = await signIn(t, people.admin);
      const res = await t.http
        .get('/admin/queues/api/queues')
        .set('Authorization', `Bearer ${signedIn.body.accessToken}`)
        .expect(200);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^phananh_queues=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/Path=\/admin\/queues/);
      const session = cookie.split(';')[0];
      await t.http.get('/admin/queues/api/queues').set('Cookie', session).expect(200);
      // The cookie is no key to the API.
      await t.http.get('/api/v1/auth/me').set('Cookie', session).expect(401);
    });

    it('lets an admin without a factor in by password only when the role does not require one', async () => {
      const pending = await newOfficial(t, { role: Role.Admin, twoFactor: false });
      // The enrolment gate holds here too.
      await t.http.get('/admin/queues/api/queues').set('Authorization', basic(pending)).expect(403);
      await t.http.get('/admin/queues/api/queues').set('Authorization', pending.bearer).expect(403);
    });
  });
});
