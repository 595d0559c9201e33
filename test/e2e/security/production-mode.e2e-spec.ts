import { Role } from '@phananh/identity';
import { TestApp, createTestApp, newOfficial } from '@test/support';

const METRICS_TOKEN = 'production-mode-metrics-token-0123456789';

/**
 * The app as production runs it (NODE_ENV=production, its own keys, behind a proxy on
 * loopback): what differs from development and tests, where /metrics is open and the
 * dashboard's cookie follows the request's scheme.
 */
describe('in production', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        NODE_ENV: 'production',
        PII_KEY: Buffer.alloc(32, 0x3c).toString('base64'),
        BLIND_INDEX_KEY: '4d'.repeat(32),
        JWT_SECRET: 'production-mode-test-jwt-secret-0123456789',
        METRICS_TOKEN,
        TRUST_PROXY: 'loopback',
      },
    });
  });
  afterAll(() => t.close());

  describe('/metrics', () => {
    it('answers 401 problem+json without the bearer token, asking for it', async () => {
      const res = await t.http.get('/metrics').expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.text).not.toContain('http_request_duration_seconds');
    });

    it('answers 401 to a wrong token, a token with a character more or less, and an admin’s access token', async () => {
      const admin = await newOfficial(t, { role: Role.Admin });
      for (const authorization of [
        'Bearer wrong-token-of-the-same-kind-0123456789',
        `Bearer ${METRICS_TOKEN}0`,
        `Bearer ${METRICS_TOKEN.slice(0, -1)}`,
        `Basic ${Buffer.from(`metrics:${METRICS_TOKEN}`).toString('base64')}`,
        admin.bearer,
      ]) {
        await t.http.get('/metrics').set('Authorization', authorization).expect(401);
      }
    });

    it('serves the metrics to `Authorization: Bearer <METRICS_TOKEN>`', async () => {
      const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('http_request_duration_seconds');
    });
  });

  describe('the queue dashboard', () => {
    it('always marks its session cookie Secure, also for a request that came as plain HTTP through the proxy', async () => {
      const admin = await newOfficial(t, { role: Role.Admin });
      for (const proto of [undefined, 'http', 'https']) {
        let req = t.http.get('/admin/queues').set('Authorization', admin.bearer);
        if (proto) req = req.set('X-Forwarded-Proto', proto);
        const res = await req.expect(200);
        const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
        expect(cookie).toMatch(/^phananh_queues=.+; Path=\/admin\/queues; HttpOnly; Secure; SameSite=Strict$/);
      }
    });
  });
});
