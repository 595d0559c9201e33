import {
  createTestApp,
  dropDatabase,
  eventually,
  freePort,
  isolatedEnv,
  startPrivateRedis,
  startService,
  waitForHttp,
} from '@test/support';
import { DEVELOPMENT_KEYS } from '@phananh/core';

/** What production needs, none of it a development value (as the README's quick start generates them). */
const PRODUCTION_SECRETS = {
  PII_KEY: Buffer.alloc(32, 0x5a).toString('base64'),
  BLIND_INDEX_KEY: 'b1'.repeat(32),
  JWT_SECRET: 'boot-test-jwt-secret-0123456789-abcdefgh',
  METRICS_TOKEN: 'boot-test-metrics-token-0123456789abcdef',
};

/** Starts the server, expects it to exit 1 with exactly one line naming `variable`, and never `value`. */
async function refused(env: Record<string, string | undefined>, variable: string, value?: string): Promise<void> {
  const service = startService('server', env);
  expect(await service.exited).toBe(1);
  const output = service.output();
  expect(output.trim().split('\n')).toEqual([`phananh: Invalid or missing environment variable ${variable}`]);
  if (value) expect(output).not.toContain(value);
}

describe('starting the service as a process', () => {
  it('refuses a bad variable with one line naming it, never its value', async () => {
    await refused({ PORT: 'abc' }, 'PORT', 'abc');
  });

  describe('fails closed outside development and tests', () => {
    it('refuses to start without NODE_ENV and without keys, naming PII_KEY', async () => {
      await refused({ NODE_ENV: undefined }, 'PII_KEY');
    });

    it('names the first secret missing, in production as without NODE_ENV', async () => {
      const { PII_KEY, BLIND_INDEX_KEY, JWT_SECRET } = PRODUCTION_SECRETS;
      await refused({ NODE_ENV: 'production', PII_KEY }, 'BLIND_INDEX_KEY');
      await refused({ NODE_ENV: undefined, PII_KEY, BLIND_INDEX_KEY, JWT_SECRET }, 'METRICS_TOKEN');
    });

    it.each([
      ['PII_KEY', DEVELOPMENT_KEYS.PII_KEY],
      ['BLIND_INDEX_KEY', DEVELOPMENT_KEYS.BLIND_INDEX_KEY],
      ['JWT_SECRET', DEVELOPMENT_KEYS.JWT_SECRET],
      ['WEBHOOK_ALLOW_PRIVATE', 'true'],
      ['TRUST_PROXY', 'true'],
    ])('refuses %s=%s (a published or development-only value), naming it and never the value', async (name, value) => {
      await refused({ NODE_ENV: undefined, ...PRODUCTION_SECRETS, [name]: value }, name, value);
    });
  });

  it('starts without NODE_ENV (production) on its own keys: creates a missing database, migrates it, becomes ready, runs on simulated time and stops on SIGTERM', async () => {
    const base = await isolatedEnv(); // for its Redis prefix and server; the database below is brand new
    const url = new URL(base.databaseUrl);
    url.pathname = `${url.pathname}_fresh`;
    const port = await freePort();
    const service = startService('server', {
      NODE_ENV: undefined,
      ...PRODUCTION_SECRETS,
      TRUST_PROXY: 'loopback',
      DATABASE_URL: url.toString(),
      REDIS_URL: base.redisUrl,
      REDIS_PREFIX: `${base.redisPrefix}-boot`,
      PORT: String(port),
      CLOCK_START: '2021-11-03T08:00:00+07:00',
      CLOCK_SPEED: '3600',
    });
    try {
      // On a quiet machine this takes a few seconds (README); a test run shares two cores with
      // other test files, so the bound here is looser.
      const tookMs = await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 90_000);
      process.stdout.write(`[boot] fresh database to ready in ${tookMs} ms\n`);
      await waitForHttp(`http://127.0.0.1:${port}/health/live`);

      // The server reads its clock somewhere inside each request: between its two readings passed
      // at least `second.sent - first.answered` and at most `second.answered - first.sent` of real
      // time, however slowly a loaded machine answers.
      const readClock = async () => {
        const sent = performance.now();
        const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/clock`)).json()) as {
          now: string;
          speed: number;
        };
        return { ...body, sent, answered: performance.now() };
      };
      const first = await readClock();
      await new Promise((r) => setTimeout(r, 1000));
      const second = await readClock();
      expect(first.speed).toBe(3600);
      const simulatedMs = Date.parse(second.now) - Date.parse(first.now);
      const msResolution = 2 * 3600; // both clocks count whole milliseconds
      // One simulated hour per real second.
      expect(simulatedMs).toBeGreaterThanOrEqual(3600 * (second.sent - first.answered) - msResolution);
      expect(simulatedMs).toBeLessThanOrEqual(3600 * (second.answered - first.sent) + msResolution);

      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { Authorization: `Bearer ${PRODUCTION_SECRETS.METRICS_TOKEN}` },
      });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('http_request_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${port}/docs-json`)).status).toBe(200);
      expect(await service.stop('SIGTERM')).toBe(0);
    } finally {
      await service.stop('SIGKILL');
      await dropDatabase(url);
      await base.drop();
    }
  }, 150_000);

  it('on SIGTERM with SHUTDOWN_DRAIN_MS, answers readiness 503 while still serving, then exits 0', async () => {
    const env = await isolatedEnv();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = startService('api', {
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.redisPrefix,
      PORT: String(port),
      SHUTDOWN_DRAIN_MS: '5000',
    });
    try {
      await waitForHttp(`${base}/health/ready`, 90_000);
      service.proc.kill('SIGTERM');
      const draining = await eventually(async () => {
        const res = await fetch(`${base}/health/ready`);
        return res.status === 503 && res;
      });
      expect(await draining.json()).toEqual({ status: 'draining', checks: {} });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect(await service.exited).toBe(0);
    } finally {
      await service.stop('SIGKILL');
      await env.drop();
    }
  }, 120_000);

  it('is not ready when Redis may evict keys (BullMQ needs noeviction)', async () => {
    const redis = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
    const t = await createTestApp({ worker: false, env: { REDIS_URL: redis.url } });
    try {
      const res = await t.http.get('/health/ready').expect(503);
      expect(res.body.checks.redis).toEqual({
        status: 'down',
        detail: 'maxmemory-policy is allkeys-lru; BullMQ needs noeviction',
      });
      await redis.stop();
      const down = await t.http.get('/health/ready').expect(503);
      expect(down.body.checks.redis.status).toBe('down');
      expect(down.body.checks.database.status).toBe('up');
    } finally {
      await t.close();
      await redis.stop();
    }
  });
});
