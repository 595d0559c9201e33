import cluster, { Worker } from 'node:cluster';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from '@phananh/core';
import { prepareDatabase } from '@phananh/database';
import { loadReferenceData } from '@phananh/reference';
import { answerClusterMetrics, serveClusterMetrics } from './cluster-metrics';
import { PlatformOptions } from './platform.module';
import { ShutdownState } from './shutdown-state';

export type StartFn = (options: PlatformOptions) => Promise<INestApplicationContext>;

/** What an entry point runs: alone in one process, or (API_PROCESSES > 1) split over a cluster. */
export interface BootPlan {
  /** Everything in one process: API_PROCESSES=1, or an entry point without `http`. */
  single: StartFn;
  /** With API_PROCESSES > 1: what each of the API_PROCESSES forked processes runs (the HTTP app on PORT). */
  http?: StartFn;
  /** With API_PROCESSES > 1: what exactly one more forked process runs (`npm start`'s job worker). */
  once?: StartFn;
}

type Role = 'http' | 'once';
const ROLE_VARIABLE = 'PHANANH_PROCESS_ROLE';

/**
 * Start-up shared by every entry point: validate the environment (one line naming a bad
 * variable, never its value), create and migrate the database, load reference data, start,
 * and on SIGTERM/SIGINT stop gracefully: answer readiness 503 for SHUTDOWN_DRAIN_MS while
 * still serving, then stop accepting, finish in-flight requests and running jobs, close
 * connections, exit 0.
 *
 * With a plan that has `http` and API_PROCESSES > 1, the process becomes a cluster primary:
 * it validates and prepares the database once, forks the HTTP processes (sharing PORT) and
 * the `once` process, forwards SIGTERM/SIGINT to each (each drains as above), exits 0 once
 * all have exited (1 if any failed), and restarts one that dies unexpectedly. It also answers
 * the forked processes' requests for the cluster's metrics (cluster-metrics.ts).
 */
export async function boot(plan: StartFn | BootPlan): Promise<void> {
  const { single, http, once } = typeof plan === 'function' ? { single: plan } : plan;
  if (cluster.isWorker) {
    const role = process.env[ROLE_VARIABLE] as Role;
    const start = role === 'once' ? once : http;
    if (!start) throw new Error(`no start function for the ${role} process`);
    answerClusterMetrics();
    return runOne(start, false);
  }
  if (!http) return runOne(single, true);
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    fail(err);
  }
  if (config.API_PROCESSES === 1) return runOne(single, true, config);
  try {
    await prepareDatabase(config.DATABASE_URL, [loadReferenceData]);
  } catch (err) {
    fail(err);
  }
  supervise(config.API_PROCESSES, once !== undefined);
}

function fail(err: unknown): never {
  const message = err instanceof ConfigError ? err.message : `start-up failed: ${(err as Error).message}`;
  process.stderr.write(`phananh: ${message}\n`);
  process.exit(1);
}

/** One process doing the work itself; `prepare`: create and migrate the database first (a primary did it otherwise). */
async function runOne(start: StartFn, prepare: boolean, loaded?: AppConfig): Promise<void> {
  let app: INestApplicationContext;
  let config: AppConfig;
  // A forked process may be told to stop while it is still starting (the primary stops all
  // the processes it has): it stops as soon as it has started, gracefully like the others.
  let early: NodeJS.Signals | undefined;
  const remember = (signal: NodeJS.Signals) => (early ??= signal);
  if (cluster.isWorker) {
    process.on('SIGTERM', remember);
    process.on('SIGINT', remember);
  }
  try {
    config = loaded ?? loadConfig();
    if (prepare) await prepareDatabase(config.DATABASE_URL, [loadReferenceData]);
    app = await start({ config });
  } catch (err) {
    fail(err);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`phananh: ${signal} received, shutting down\n`);
    try {
      if (config.SHUTDOWN_DRAIN_MS > 0) {
        app.get(ShutdownState).draining = true;
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
      }
      await app.close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`phananh: shutdown failed: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
  process.off('SIGTERM', remember);
  process.off('SIGINT', remember);
  if (early) void stop(early);
}

/** A process that lived this long before dying is restarted after the shortest back-off again. */
const STABLE_MS = 10_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/** The cluster primary: forks the processes, restarts one that dies, forwards the stop signals. */
function supervise(httpProcesses: number, withOnce: boolean): void {
  let stopping = false;
  let failed = false;
  const live = new Set<Worker>();
  const timers = new Set<NodeJS.Timeout>();
  serveClusterMetrics();

  const fork = (role: Role, failures: number) => {
    const startedAt = performance.now();
    const worker = cluster.fork({ [ROLE_VARIABLE]: role });
    live.add(worker);
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        if (live.size === 0) process.exit(failed ? 1 : 0);
        return;
      }
      const streak = performance.now() - startedAt >= STABLE_MS ? 0 : failures + 1;
      const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, streak - 1));
      process.stderr.write(
        `phananh: ${role} process ${worker.process.pid} died (${signal ?? `exit code ${code}`}), restarting in ${delay} ms\n`,
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) fork(role, streak);
      }, delay);
      timers.add(timer);
    });
  };

  for (let i = 0; i < httpProcesses; i++) fork('http', 0);
  if (withOnce) fork('once', 0);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`phananh: ${signal} received, stopping ${live.size} processes\n`);
    timers.forEach(clearTimeout);
    if (live.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of live) worker.process.kill(signal);
  };
  process.on('SIGTERM', (s) => stop(s));
  process.on('SIGINT', (s) => stop(s));
}
