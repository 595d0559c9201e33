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

describe('starting the service as a process', () => {
  it('refuses a bad variable with one line naming it, never its value', async () => {
    const service = startService('server', { PORT: 'abc' });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toEqual(['phananh: Invalid or missing environment variable PORT']);
  });

  it('creates a missing database, migrates it, becomes ready, runs on simulated time and stops on SIGTERM', async () => {
    const base = await isolatedEnv(); // for its Redis prefix and server; the database below is brand new
    const url = new URL(base.databaseUrl);
    url.pathname = `${url.pathname}_fresh`;
    const port = await freePort();
    const service = startService('server', {
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

      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
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
