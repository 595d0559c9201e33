import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { AlertKind, WebhooksService, webhookJobId } from '@phananh/alerts';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { QueueName, QueueService } from '@phananh/queue';
import {
  PrivateRedis,
  RunningProcess,
  TestApp,
  createTestApp,
  eventually,
  newOfficial,
  newTicket,
  startPrivateRedis,
  startService,
} from '@test/support';

interface Hit {
  deliveryId: string;
  attempt: string;
  body: string;
  res: ServerResponse;
}

/**
 * Two real worker processes on one database and the test's own Redis. The first takes a
 * webhook delivery job and is SIGKILLed while the receiver holds the request open; the
 * second takes the stalled job over once its lock expires (JOB_LOCK_MS), delivers it under
 * the same delivery id, and no alert is recorded twice. That nothing is sent a third time is
 * read from the job's and the delivery's final state, not from a quiet pause.
 */
describe('fault: a worker SIGKILLed in the middle of a job', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = {
        deliveryId: String(req.headers['x-delivery-id']),
        attempt: String(req.headers['x-delivery-attempt']),
        body: Buffer.concat(chunks).toString('utf8'),
        res,
      };
      hits.push(hit);
      // The first attempt is never answered: its worker dies holding it.
      if (hits.length > 1) res.writeHead(200).end();
    });
  });
  const workers: RunningProcess[] = [];
  const startWorker = () => {
    const worker = startService('worker', {
      DATABASE_URL: t.env.databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: t.config.REDIS_PREFIX,
      // The ticket below is overdue by one hour on this clock.
      CLOCK_START: '2021-11-05T09:00:00+07:00',
      SLA_SWEEP_INTERVAL_MS: '200',
      JOB_LOCK_MS: '1500',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '60000',
    });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      worker: false,
      clock: new FakeClock(),
      env: { REDIS_URL: redis.url, WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00001', username: 'sup-ward' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '001', username: 'sup-district' });
    const admin = await newOfficial(t, { role: Role.Admin });
    const port = (server.address() as AddressInfo).port;
    await t.app
      .get(WebhooksService)
      .register(
        { url: `http://127.0.0.1:${port}/hook`, secret: 'webhook-secret-for-tests', events: [AlertKind.Overdue] },
        admin.user,
      );
    await newTicket(t, { unitCode: '00001', receivedAt: new Date('2021-11-03T08:00:00+07:00') });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    for (const hit of hits) hit.res.destroy();
    await new Promise((r) => server.close(r));
    await t?.close();
    await redis?.stop();
  });

  it('hands the job to another worker, which finishes it under the same delivery id, once', async () => {
    const first = startWorker();
    await eventually(async () => hits.length === 1, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${first.output()}`);
    });
    // A second worker, up and idle, while the first holds the job.
    const second = startWorker();
    const webhooks = t.app.get(QueueService).queue(QueueName.Webhooks);
    await eventually(async () => (await webhooks.getWorkers()).length === 2, 30_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const killedAt = performance.now();
    expect(first.proc.signalCode).toBe('SIGKILL');
    const [pending] = await t.db.query(`SELECT status, attempts FROM webhook_deliveries`);
    expect(pending).toEqual({ status: 'PENDING', attempts: 1 });

    const [delivered] = await eventually(async () => {
      const rows = await t.db.query(
        `SELECT id, round, status, attempts FROM webhook_deliveries WHERE status = 'DELIVERED'`,
      );
      return rows.length ? rows : null;
    }, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${second.output()}`);
    });
    const takeoverMs = performance.now() - killedAt;
    // About 3 s here (twice JOB_LOCK_MS); with the 30 s default lock it would be 30–60 s. The bound
    // tells the two apart with room for a loaded machine, where a worker's stall check runs late.
    expect(takeoverMs).toBeLessThan(20_000);
    // BullMQ's record of the job: taken back once from the dead worker, then completed by the second.
    const job = await eventually(async () => {
      const found = await webhooks.getJob(webhookJobId(delivered.id, delivered.round));
      return found && (await found.getState()) === 'completed' ? found : null;
    }, 30_000);
    expect(job.stalledCounter).toBe(1);
    expect(job.returnvalue).toEqual({ status: 200, attempts: 2 });
    expect(delivered.attempts).toBe(2);
    expect(hits).toHaveLength(2);
    expect(hits.map((h) => h.deliveryId)).toEqual([delivered.id, delivered.id]);
    expect(hits.map((h) => h.attempt)).toEqual(['1', '2']);
    expect(hits[1].body).toBe(hits[0].body);
    expect(second.proc.exitCode).toBeNull();
  });

  it('recorded each alert once, and delivered nothing else', async () => {
    const alerts = await t.db.query(
      `SELECT e.kind, u.username FROM alerts a JOIN alert_events e ON e.id = a.event_id
       JOIN users u ON u.id = a.recipient_id ORDER BY e.kind, u.username`,
    );
    expect(alerts).toEqual([
      { kind: 'OVERDUE', username: 'sup-district' },
      { kind: 'OVERDUE', username: 'sup-ward' },
    ]);
    const deliveries = await t.db.query(`SELECT status, attempts FROM webhook_deliveries`);
    expect(deliveries).toEqual([{ status: 'DELIVERED', attempts: 2 }]);
    // Nothing is left that could send again: a job (or the repair's re-enqueue) acts on a PENDING
    // delivery only, and the queue holds no job but the completed one. So the receiver's count is
    // final, and it is the attempts PostgreSQL counted (each one claimed before its request).
    const webhooks = t.app.get(QueueService).queue(QueueName.Webhooks);
    const counts = await webhooks.getJobCounts();
    expect(counts).toEqual({ ...Object.fromEntries(Object.keys(counts).map((state) => [state, 0])), completed: 1 });
    expect(hits).toHaveLength(deliveries[0].attempts);
  });
});
