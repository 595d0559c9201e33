import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse, createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { AlertKind, WebhooksService } from '@phananh/alerts';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { QueueName, QueueService } from '@phananh/queue';
import {
  PrivateRedis,
  RunningProcess,
  TestApp,
  createTestApp,
  eventually,
  freePort,
  newOfficial,
  newTicket,
  startPrivateRedis,
  startService,
  waitForHttp,
} from '@test/support';
import { newCitizen, reportBody } from '../public/report-bodies';

interface Outcome {
  key: string;
  /** Real ms after SIGTERM (negative: before) when the request was sent and when it ended. */
  sentAt: number;
  endedAt: number;
  status?: number;
  trackingCode?: string;
  error?: string;
}

/** One filing on its own connection (no keep-alive), so that "refused" means "never accepted". */
function file(port: number, since: () => number): Promise<Outcome> {
  const body = JSON.stringify(reportBody(newCitizen()));
  const outcome: Outcome = { key: randomUUID(), sentAt: since(), endedAt: 0 };
  return new Promise((resolve) => {
    const done = (more: Partial<Outcome>) => resolve({ ...outcome, ...more, endedAt: since() });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/reports',
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'Idempotency-Key': outcome.key,
          Connection: 'close',
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let trackingCode: string | undefined;
          try {
            trackingCode = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { trackingCode?: string })
              .trackingCode;
          } catch {
            trackingCode = undefined;
          }
          done({ status: res.statusCode, trackingCode });
        });
        res.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
    req.end(body);
  });
}

/**
 * `npm start` (API and worker in one process) under a stream of filings gets SIGTERM while a
 * webhook delivery is in the middle of its HTTP call: every request the server accepted gets
 * its answer, every report answered 201 is in PostgreSQL and no other, the running job
 * finishes and is recorded, the waiting ones stay in Redis, and the process exits 0.
 */
describe('fault: SIGTERM under load', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let service: RunningProcess;
  let port: number;
  const held: ServerResponse[] = [];
  // A receiver that answers only when the test says so: the delivery job is still running
  // when SIGTERM arrives, and still running when the listener has closed.
  let answerHook: () => void = () => undefined;
  const hookAnswered = new Promise<void>((resolve) => (answerHook = resolve));
  const hook = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      held.push(res);
      void hookAnswered.then(() => res.writeHead(200).end());
    });
  });

  beforeAll(async () => {
    redis = await startPrivateRedis();
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      worker: false,
      clock: new FakeClock(),
      env: { REDIS_URL: redis.url, WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001' });
    const admin = await newOfficial(t, { role: Role.Admin });
    await t.app.get(WebhooksService).register(
      {
        url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        secret: 'webhook-secret-for-tests',
        events: [AlertKind.Overdue],
      },
      admin.user,
    );
    await newTicket(t, { unitCode: '00001', receivedAt: new Date('2021-11-03T08:00:00+07:00') });
    port = await freePort();
    service = startService('server', {
      DATABASE_URL: t.env.databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: t.config.REDIS_PREFIX,
      PORT: String(port),
      CLOCK_START: '2021-11-05T09:00:00+07:00', // the ticket above is overdue: its webhook goes out at once
      SLA_SWEEP_INTERVAL_MS: '200',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      // The receiver holds the delivery through the shutdown; it must not time out meanwhile.
      WEBHOOK_TIMEOUT_MS: '60000',
      RATE_LIMIT_FILINGS_PER_MINUTE: '100000',
    });
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 60_000);
  }, 90_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    held.forEach((r) => r.destroy());
    await new Promise((r) => hook.close(r));
    await t?.close();
    await redis?.stop();
  });

  it('answers every accepted request, finishes the running job, keeps the waiting ones, and exits 0', async () => {
    await eventually(async () => held.length === 1, 20_000);
    // A job that must survive the shutdown in Redis: the campaign cutoff, delayed to 13 Nov.
    const sla = t.app.get(QueueService).queue(QueueName.Sla);
    expect(await sla.getDelayedCount()).toBeGreaterThanOrEqual(1);

    const outcomes: Outcome[] = [];
    let signalled = Infinity;
    const since = () => Math.round(performance.now() - signalled);
    let refused = false;
    const client = async () => {
      while (!refused) {
        const outcome = await file(port, since);
        outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') refused = true;
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // The signal comes while the filings stream in: once the server has answered a few rounds of them.
    await eventually(async () => outcomes.filter((o) => o.status === 201).length >= 16);
    signalled = performance.now();
    service.proc.kill('SIGTERM');
    // Every client stops at its first refused connection: the listener has closed.
    await Promise.all(clients);
    // The process still waits for the running job, whose receiver has not answered yet.
    expect(service.proc.exitCode).toBeNull();
    expect(await t.db.query(`SELECT status, attempts FROM webhook_deliveries`)).toEqual([
      { status: 'PENDING', attempts: 1 },
    ]);
    answerHook();
    const code = await service.exited;

    expect(code).toBe(0);
    expect(service.output()).toMatch(/SIGTERM received, shutting down/);
    const answered = outcomes.filter((o) => o.status !== undefined);
    const refusedOnes = outcomes.filter((o) => o.error === 'ECONNREFUSED');
    // Connections still in the kernel's accept queue when the listener closes are reset without
    // ever being read (checked below); anything else that is not an answer is a dropped request.
    const reset = outcomes.filter((o) => o.error === 'ECONNRESET');
    expect(
      outcomes.filter((o) => o.status === undefined && !['ECONNREFUSED', 'ECONNRESET'].includes(o.error!)),
    ).toEqual([]);
    expect(answered.filter((o) => o.status !== 201)).toEqual([]);
    expect(refusedOnes.length).toBeGreaterThan(0);
    // Requests in flight at the signal were answered after it.
    expect(answered.filter((o) => o.sentAt < 0 && o.endedAt > 0).length).toBeGreaterThan(0);

    const tickets: { tracking_code: string }[] = await t.db.query(
      `SELECT tracking_code FROM tickets WHERE citizen_name <> 'Nguyễn Văn An'`,
    );
    expect(tickets.map((r) => r.tracking_code).sort()).toEqual(answered.map((o) => o.trackingCode).sort());
    const keys: { key: string }[] = await t.db.query(`SELECT key FROM idempotency_keys`);
    const seen = new Set(keys.map((k) => k.key.replace(/^reports:/, '')));
    expect(answered.every((o) => seen.has(o.key))).toBe(true);
    expect(reset.filter((o) => seen.has(o.key))).toEqual([]); // reset ones were never processed: safe to retry
    expect(seen.size).toBe(answered.length);

    const [delivery] = await t.db.query(`SELECT status, attempts FROM webhook_deliveries`);
    expect(delivery).toEqual({ status: 'DELIVERED', attempts: 1 });
    expect(await sla.getDelayedCount()).toBeGreaterThanOrEqual(1);
  });
});
