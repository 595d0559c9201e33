import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { QueueName, recordJobLatency } from '@phananh/queue';
import {
  IsolatedEnv,
  RunningProcess,
  eventually,
  freePort,
  isolatedEnv,
  startService,
  waitForHttp,
} from '@test/support';

/** The live processes whose parent is `pid` (read from /proc: the service exposes nothing for this). */
function children(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** The socket inodes of the established TCP connections whose local port is `port`. */
function establishedOn(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1].split(':')[1], 16);
      if (localPort === port && fields[3] === '01') inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Which of `pids` hold one of `inodes` open. */
function owners(pids: number[], inodes: Set<string>): Set<number> {
  const found = new Set<number>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match && inodes.has(match[1])) found.add(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return found;
}

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET `path` on a connection of its own (`agent: false`): the cluster hands each one out in turn. */
function getFresh(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of the Prometheus sample `name` whose labels include `labels` (undefined: none). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => has[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/**
 * Until requests are served by both `pids`: keep-alive connections stay open after their answer,
 * and the OS tells which process holds each. (The first process to listen answers readiness;
 * the other joins the port a moment later.)
 */
async function bothServe(port: number, pids: number[]): Promise<void> {
  await eventually(async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => get(agent, port, '/health/live')));
      expect(statuses).toEqual(Array(8).fill(200));
      return owners(pids, establishedOn(port)).size === 2;
    } finally {
      agent.destroy();
    }
  });
}

/** Until every live child of the service is gone (they are not ours to wait for). */
async function childrenGone(pids: number[]): Promise<void> {
  await eventually(async () => pids.every((pid) => !readdirSync('/proc').includes(String(pid))), 10_000);
}

describe('API_PROCESSES: the HTTP API over a cluster of processes sharing one port', () => {
  let env: IsolatedEnv;
  let service: RunningProcess | undefined;

  beforeAll(async () => {
    env = await isolatedEnv();
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });
  afterAll(async () => {
    await env.drop();
  });

  const start = async (entry: 'api' | 'server', extra: Record<string, string> = {}) => {
    const port = await freePort();
    service = startService(entry, {
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: `${env.redisPrefix}-${entry}`,
      PORT: String(port),
      API_PROCESSES: '2',
      ...extra,
    });
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 90_000);
    return { port, service, base: `http://127.0.0.1:${port}` };
  };

  it('start:api serves from two processes; one killed is replaced and the port keeps answering; SIGTERM drains all, exits 0, leaves none', async () => {
    const { port, service, base } = await start('api', { SHUTDOWN_DRAIN_MS: '3000' });
    const pid = service.proc.pid!;
    const workers = await eventually(async () => {
      const found = children(pid);
      return found.length === 2 && found;
    });

    await bothServe(port, workers);

    process.kill(workers[0], 'SIGKILL');
    const replaced = await eventually(async () => {
      const found = children(pid);
      return found.length === 2 && !found.includes(workers[0]) && found;
    }, 20_000);
    expect(service.output()).toMatch(new RegExp(`phananh: http process ${workers[0]} died \\(SIGKILL\\), restarting`));
    await bothServe(port, replaced);
    for (let i = 0; i < 6; i++) expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    service.proc.kill('SIGTERM');
    const draining = await eventually(async () => {
      const res = await fetch(`${base}/health/ready`);
      return res.status === 503 && res;
    });
    expect(await draining.json()).toEqual({ status: 'draining', checks: {} });
    // Both processes drain: every answer during the drain is 503, and liveness still 200.
    for (let i = 0; i < 6; i++) expect((await fetch(`${base}/health/ready`)).status).toBe(503);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect(await service.exited).toBe(0);
    expect(service.output().match(/SIGTERM received, shutting down/g)).toHaveLength(2);
    await childrenGone(replaced);
  }, 150_000);

  it('/metrics with API_PROCESSES=2 reports the whole cluster: the same request count from either process, Redis-read gauges not summed', async () => {
    const prefix = `${env.redisPrefix}-metrics`;
    const redis = new IORedis(env.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(QueueName.Maintenance, { connection: redis, prefix });
    try {
      // Three jobs due in an hour: start:api runs no job worker, so they stay delayed.
      for (let i = 0; i < 3; i++) await queue.add('metrics-probe', {}, { delay: 3_600_000 });
      // One job that started 2 s late, as a job worker records it (the hash every API process reads).
      await recordJobLatency(redis, prefix, QueueName.Maintenance, {
        timestamp: 1000,
        processedOn: 3000,
        attemptsMade: 0,
      });
      const { port, service } = await start('api', { REDIS_PREFIX: prefix });
      const workers = await eventually(async () => {
        const found = children(service.proc.pid!);
        return found.length === 2 && found;
      });
      await bothServe(port, workers);

      // N requests, each on a new connection: the primary hands them to the two processes in turn.
      const n = 20;
      for (let i = 0; i < n; i++) expect((await getFresh(port, '/api/v1/clock')).status).toBe(200);

      const clock = { method: 'GET', route: '/api/v1/clock', status: '200' };
      const scrapes: { count?: number; delayed?: number; waiting?: number; late?: number }[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await getFresh(port, '/metrics');
        expect(res.status).toBe(200);
        scrapes.push({
          count: sample(res.body, 'http_request_duration_seconds_count', clock),
          delayed: sample(res.body, 'phananh_queue_jobs', { queue: QueueName.Maintenance, state: 'delayed' }),
          waiting: sample(res.body, 'phananh_queue_jobs', { queue: QueueName.Maintenance, state: 'waiting' }),
          late: sample(res.body, 'phananh_job_start_delay_seconds_count', { queue: QueueName.Maintenance }),
        });
      }
      // Each process served about half: one process's own figure would be ~10 and differ by scrape.
      expect(scrapes).toEqual(Array(6).fill({ count: n, delayed: 3, waiting: 0, late: 1 }));
      expect(service.output()).not.toMatch(/cluster metrics unavailable/);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await redis.del(`${prefix}:metrics:job-latency:${QueueName.Maintenance}`);
      await queue.close();
      redis.disconnect();
    }
  }, 150_000);

  it('npm start with API_PROCESSES=2: two HTTP processes and the job worker in exactly one more', async () => {
    const { service } = await start('server');
    const pid = service.proc.pid!;
    await eventually(async () => children(pid).length === 3);
    const prefix = `${env.redisPrefix}-server`;
    const redis = new IORedis(env.redisUrl, { maxRetriesPerRequest: null });
    const queues = Object.values(QueueName).map((name) => new Queue(name, { connection: redis, prefix }));
    try {
      await eventually(async () => {
        const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
        return counts.every((c) => c >= 1);
      });
      // Every process has started by now (the HTTP ones answered ready); give a second job
      // worker, if one were started, time to register before counting.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await Promise.all(queues.map((q) => q.getWorkersCount()))).toEqual(queues.map(() => 1));
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
    }
    const before = children(pid);
    expect(await service.stop('SIGTERM')).toBe(0);
    await childrenGone(before);
  }, 150_000);
});
