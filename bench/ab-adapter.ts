import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadNow } from './bench-env';
import { cpuMs } from './cpu';
import { fileReports } from './intake';
import { login, seedQueuePage } from './officials';
import { Service, startBenchRedis, startBenchService } from './services';
import { percentile, round, runMain } from './stats';

const AB_DB = 'phananh_bench_adapter';
const ADAPTERS = ['express', 'fastify'] as const;
type Adapter = (typeof ADAPTERS)[number];
type Scenario = 'health' | 'filing' | 'queue';

/**
 * Nest on Express against Nest on Fastify, as two builds of the service: this one (Fastify, since
 * the port) and an Express build given by `--express=<root>` (a checkout of the last Express commit,
 * 53f492d, built: docs/performance.md says how). Node CPU per request — the process's CPU time over
 * the requests it answered, a figure that other work on a shared machine disturbs far less than a
 * rate — on three routes: `GET /health/live` (the HTTP stack alone), `POST /api/v1/reports` (a JSON
 * filing) and `GET /api/v1/tickets` (an officer's first page of 50, of a 2,000-ticket queue). Both
 * processes run side by side on one database and Redis and take the load in turn, in short bursts
 * (E F, F E, E F, …), so that the machine's other work, which changes from one second to the next,
 * weighs on both alike. For each route: each adapter's CPU per request over all its bursts, and the
 * spread of the per-cycle ratio.
 *
 *   npm run build && node dist/bench/ab-adapter.js --express=<root> [--cycles=10] [--seconds=3] [--connections=32]
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      express: { type: 'string' },
    },
  });
  if (!values.express) throw new Error('--express=<root of an Express build> is required');
  const roots: Record<Adapter, string | undefined> = { express: values.express, fastify: undefined };
  const seconds = Number(values.seconds);
  const cycles = Number(values.cycles);
  const url = await seedQueuePage(AB_DB);
  const redis = await startBenchRedis();
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  const services: Partial<Record<Adapter, { api: Service; token: string }>> = {};
  const bursts: Burst[] = [];
  log(`load at start ${loadNow()}`);
  let serial = 50_000_000;
  try {
    for (const adapter of ADAPTERS) {
      const api = await startBenchService('api', {
        databaseUrl: url,
        redisUrl: redis.url,
        redisPrefix: `ab-${adapter}`,
        root: roots[adapter],
      });
      services[adapter] = { api, token: await login(api.url, 'bench-officer') };
    }
    const burst = async (scenario: Scenario, adapter: Adapter, secs: number) => {
      const { api, token } = services[adapter]!;
      if (scenario === 'health') return get(api, '/health/live', undefined, 16, secs);
      if (scenario === 'queue') return get(api, '/api/v1/tickets?limit=50', token, 4, secs);
      const c0 = cpuMs(api.proc.pid!)!;
      const r = await fileReports([api.url], {
        connections: Number(values.connections),
        seconds: secs,
        serialStart: (serial += 100_000),
        database: AB_DB,
      });
      if (r.non2xx || r.errors) throw new Error(`${adapter}: ${JSON.stringify(r.statuses)}`);
      return { requests: r.ok, cpuMs: round((cpuMs(api.proc.pid!)! - c0) / r.ok, 3), p99: r.p99 };
    };
    for (const scenario of ['health', 'filing', 'queue'] as Scenario[]) {
      // Warm-up: JIT, pools, caches.
      for (const adapter of ADAPTERS) await burst(scenario, adapter, 2);
      for (let cycle = 0; cycle < cycles; cycle++) {
        const order: Adapter[] = cycle % 2 ? ['fastify', 'express'] : ['express', 'fastify'];
        for (const adapter of order) {
          const r = await burst(scenario, adapter, seconds);
          bursts.push({ adapter, scenario, cycle, ...r });
          log(
            `${scenario} cycle ${cycle + 1} ${adapter}: ${r.requests} requests, ${r.cpuMs} ms CPU each, p99 ${r.p99} ms`,
          );
        }
      }
    }
  } finally {
    await Promise.all(Object.values(services).map((s) => s.api.stop()));
    await redis.stop();
  }
  log(`load at end ${loadNow()}`);
  const summary = (['health', 'filing', 'queue'] as Scenario[]).map((scenario) => {
    const of = (adapter: Adapter) => bursts.filter((b) => b.adapter === adapter && b.scenario === scenario);
    // CPU per request over all of an adapter's bursts: total CPU over total requests.
    const overall = (bs: Burst[]) =>
      round(bs.reduce((s, b) => s + b.cpuMs * b.requests, 0) / bs.reduce((s, b) => s + b.requests, 0), 3);
    const express = of('express');
    const fastify = of('fastify');
    // Each cycle's saving (1 − Fastify ÷ Express): its median and range say how steady the difference was.
    const savings = express.map((e, i) => 1 - fastify[i].cpuMs / e.cpuMs);
    return {
      scenario,
      express: overall(express),
      fastify: overall(fastify),
      // The decision's figure: how much less Node CPU per request Fastify spends (0.25 = a quarter less).
      saving: round(1 - overall(fastify) / overall(express), 3),
      cycleSaving: {
        median: round(percentile(savings, 50), 3),
        min: round(Math.min(...savings), 3),
        max: round(Math.max(...savings), 3),
      },
    };
  });
  console.log(JSON.stringify({ bursts, summary }, null, 1));
}

interface Burst {
  adapter: Adapter;
  scenario: Scenario;
  cycle: number;
  requests: number;
  cpuMs: number;
  p99: number;
}

/** `connections` keep-alive connections GETting `path` for `seconds`: requests, Node CPU ms each, p99. */
async function get(api: Service, path: string, token: string | undefined, connections: number, seconds: number) {
  const c0 = cpuMs(api.proc.pid!)!;
  const r = await autocannon({
    url: `${api.url}${path}`,
    connections,
    duration: seconds,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (r.non2xx || r.errors) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    requests: r.requests.total,
    cpuMs: round((cpuMs(api.proc.pid!)! - c0) / r.requests.total, 3),
    p99: r.latency.p99,
  };
}

runMain(main);
