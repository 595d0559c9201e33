import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { appendRunLog } from './run-log';

const ROOT = join(__dirname, '../..');

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port nobody listens on right now, drawn at random below the kernel's ephemeral range
 * (32768 and up): test files run in parallel, and asking the kernel for "any port" twice in
 * quick succession can hand two of them the same one before either process binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
}

export interface RunningProcess {
  proc: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function track(proc: ChildProcess): RunningProcess {
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    appendRunLog(d, `${process.pid}-child-${proc.pid}`);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/**
 * PATH, `NODE_ENV=test`, warn-level logs and one process (`API_PROCESSES=1`: tests share two cores;
 * a test of the cluster asks for more), then `env` (a variable given as undefined is left out).
 */
function childEnv(env: Record<string, string | undefined>): Record<string, string> {
  const all: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    API_PROCESSES: '1',
    ...env,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Starts a compiled entry point (`npm run build` first: `npm test` does) as a real
 * child process, with only the given environment on top of PATH and `NODE_ENV=test`
 * (`{ NODE_ENV: undefined }` starts it without NODE_ENV, as production).
 */
export function startService(
  entry: 'server' | 'api' | 'worker',
  env: Record<string, string | undefined>,
): RunningProcess {
  return startCompiled(`apps/${entry}/src/main.js`, [], env);
}

/** Runs a compiled script of scripts/ (e.g. `blind-index-rebuild.js`) like startService runs a service. */
export function startScript(script: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  return startCompiled(`scripts/${script}`, args, env);
}

function startCompiled(path: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const main = join(ROOT, 'dist', path);
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return track(
    spawn(process.execPath, ['--enable-source-maps', main, ...args], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export interface PrivateRedis {
  url: string;
  port: number;
  process: RunningProcess;
  stop(): Promise<void>;
}

/** A Redis server of the test's own, on a spare port, which the test may flush, stop or restart. */
export async function startPrivateRedis(extraArgs: string[] = [], port?: number): Promise<PrivateRedis> {
  const p = port ?? (await freePort());
  const proc = track(
    spawn(
      'redis-server',
      ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  // Generous for a loaded machine; a server that cannot start (port taken) exits, and is reported at once.
  const until = Date.now() + 30_000;
  while (!proc.output().includes('Ready to accept connections')) {
    if (proc.proc.exitCode !== null || Date.now() > until)
      throw new Error(`redis-server did not start: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    process: proc,
    async stop() {
      await proc.stop('SIGKILL');
    },
  };
}

/** Polls an HTTP URL until it answers 200 (or the time is up). */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
