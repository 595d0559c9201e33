import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { PiiCrypto } from '@phananh/core';
import { prepareDatabase } from '@phananh/database';
import { loadReferenceData } from '@phananh/reference';

/** The benchmark's own database on the shared server: dropped and created again by every run. */
export const BENCH_DB = process.env.BENCH_DB ?? 'phananh_bench';
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A fixed key, so the loader's ciphertexts are readable by the services it starts. */
export const BENCH_PII_KEY = '6265 6e63 6820 6b65 7920 6e6f 7420 666f 7220 7072 6f64 7563 7469 6f6e 2121 2121'.replace(
  / /g,
  '',
);
/** The blind-index key of the benchmark's services (production mode wants one of its own). */
export const BENCH_BLIND_INDEX_KEY = Buffer.from('bench blind-index key, not prod!').toString('base64');
export const BENCH_JWT_SECRET = 'bench-only-jwt-secret-not-for-production-use';
/** Production mode requires a /metrics token; nothing in the benchmark scrapes it. */
export const BENCH_METRICS_TOKEN = 'bench-only-metrics-token-not-for-production';

export function dbUrl(name = BENCH_DB): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export const benchPii = () => new PiiCrypto(BENCH_PII_KEY, 1, '', BENCH_BLIND_INDEX_KEY);

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'phananh-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops the benchmark database (never another: the name must contain "bench") and migrates a new one. */
export async function resetBenchDatabase(name = BENCH_DB): Promise<string> {
  if (!/bench/.test(name)) throw new Error(`refusing to drop ${name}: a benchmark database's name contains "bench"`);
  await withClient(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = dbUrl(name);
  await prepareDatabase(url, [loadReferenceData]);
  return url;
}

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  load: string;
  node: string;
  postgres: string;
  redis: string;
  pgSettings: Record<string, string>;
  packages: Record<string, string>;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

export async function machineFacts(redisUrl: string): Promise<MachineFacts> {
  const pg = await withClient(PG_ADMIN_URL, async (c) => {
    const version = (await c.query(`SHOW server_version`)).rows[0].server_version as string;
    const settings: Record<string, string> = {};
    for (const name of ['shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'wal_level']) {
      settings[name] = (await c.query(`SHOW ${name}`)).rows[0][name];
    }
    return { version, settings };
  });
  const redisInfo = sh('redis-cli', ['-u', redisUrl, 'INFO', 'server']);
  const pkg = (name: string) => {
    try {
      const file = join(__dirname, '..', '..', 'node_modules', name, 'package.json');
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: Number(sh('nproc', [])) || cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    load: loadNow(),
    node: process.version,
    postgres: pg.version,
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown',
    pgSettings: pg.settings,
    packages: Object.fromEntries(
      ['@nestjs/core', 'typeorm', 'pg', 'bullmq', 'ioredis', 'fastify', 'pino', 'autocannon', 'class-validator'].map(
        (n) => [n, pkg(n)],
      ),
    ),
  };
}
