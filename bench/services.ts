import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { BENCH_BLIND_INDEX_KEY, BENCH_JWT_SECRET, BENCH_METRICS_TOKEN, BENCH_PII_KEY } from './bench-env';

const ROOT = join(__dirname, '..', '..');
export const LOG_DIR = process.env.BENCH_LOG_DIR ?? '/tmp/phananh-bench-logs';

export interface Service {
  entry: 'api' | 'worker' | 'server';
  port: number;
  url: string;
  proc: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export interface ServiceEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  extra?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Another build's root (the directory holding its dist/), for before/after comparisons. */
  root?: string;
  /** API_PROCESSES: 1 unless given; 'default' leaves it unset, as `npm start` runs (the available parallelism). */
  processes?: number | 'default';
}

let serial = 0;

/**
 * The few process helpers of @phananh/testing, here again: that lib reads the jest run's
 * environment (test/, which the build does not compile), and the benchmark runs from dist.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > until) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface BenchRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A redis-server of the benchmark's own on a spare port (the shared one is never touched). */
export async function startBenchRedis(extraArgs: string[] = []): Promise<BenchRedis> {
  mkdirSync(LOG_DIR, { recursive: true });
  const port = await freePort();
  const dir = join(LOG_DIR, `redis-${port}`);
  mkdirSync(dir, { recursive: true });
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
     '--maxmemory-policy', 'noeviction', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ); // prettier-ignore
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const until = performance.now() + 10_000;
  while (!out.includes('Ready to accept connections')) {
    if (performance.now() > until) throw new Error(`redis-server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Starts a compiled entry point as production runs it (NODE_ENV=production, info logs, here to
 * a file rather than a pipe, as a log shipper would read them), with the rate limits lifted so
 * that one load generator on 127.0.0.1 is not answered 429.
 */
export async function startBenchService(entry: Service['entry'], env: ServiceEnv): Promise<Service> {
  mkdirSync(LOG_DIR, { recursive: true });
  const port = await freePort();
  const logFile = join(LOG_DIR, `${entry}-${++serial}.log`);
  const fd = openSync(logFile, 'w');
  const root = env.root ?? ROOT;
  const main = join(root, 'dist', 'apps', entry, 'src/main.js');
  const proc = spawn(process.execPath, [...(env.nodeArgs ?? []), main], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      // One process unless asked: the per-process figures of BENCHMARKS.md; 'default' is npm start's own count.
      ...(env.processes === 'default' ? {} : { API_PROCESSES: String(env.processes ?? 1) }),
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.redisPrefix,
      PORT: String(port),
      PII_KEY: BENCH_PII_KEY,
      BLIND_INDEX_KEY: BENCH_BLIND_INDEX_KEY,
      JWT_SECRET: BENCH_JWT_SECRET,
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      RATE_LIMIT_FILINGS_PER_MINUTE: '1000000000',
      RATE_LIMIT_LOOKUPS_PER_MINUTE: '1000000000',
      RATE_LIMIT_LOGINS_PER_MINUTE: '1000000000',
      // The benchmarks measure the work, not sign-in: their supervisors and admins need no second factor.
      REQUIRE_2FA_ROLES: 'NONE',
      ATTACHMENTS_DIR: join(LOG_DIR, 'attachments'),
      ...env.extra,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const service: Service = {
    entry,
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    logFile,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (entry !== 'worker') {
    try {
      await waitForHttp(`${service.url}/health/live`, 60_000);
    } catch (err) {
      await service.stop();
      throw new Error(`${entry} did not start (see ${logFile}): ${(err as Error).message}`);
    }
  }
  return service;
}

/** Waits until a worker has logged that it is up (its job schedulers registered), or the time is up. */
export async function waitForLog(service: Service, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (pattern.test(readFileSync(service.logFile, 'utf8'))) return;
    if (service.proc.exitCode !== null) throw new Error(`${service.entry} exited (see ${service.logFile})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.entry}: no ${pattern} in its log within ${timeoutMs} ms (see ${service.logFile})`);
}
