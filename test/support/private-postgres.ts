import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

/** Where Debian keeps the server binaries (initdb and pg_ctl are not on PATH for every user). */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  /** Stops the server: `fast` disconnects sessions cleanly, `immediate` is a crash (recovery on restart). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Starts it again on the same port and data directory. */
  start(): void;
  running(): boolean;
  /** Stops it if running and deletes its data directory. */
  destroy(): void;
}

const clusters = new Set<PrivatePostgres>();
// A crashed test file must not leave a daemon behind (pg_ctl detaches the server from us).
process.once('exit', () => clusters.forEach((c) => c.destroy()));

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, trust auth, fsync off
 * but synchronous commits, so that an `immediate` stop — a crash of the server, not of the
 * machine — loses no committed transaction)
 * on a spare port, which the test may stop and start at will; never the machine's shared one.
 * As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startPrivatePostgres(port?: number): Promise<PrivatePostgres> {
  const p = port ?? (await freePort());
  const root = mkdtempSync(join(tmpdir(), 'phananh-pg-'));
  const data = join(root, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(root, pgUid(), pgGid());
  const run = (bin: string, args: string[], timeoutMs: number) => {
    const [cmd, full] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
      : [join(PG_BIN, bin), args];
    const res = spawnSync(cmd, full, { encoding: 'utf8', timeout: timeoutMs });
    return { ok: res.status === 0, output: `${res.stdout ?? ''}${res.stderr ?? ''}${res.error?.message ?? ''}` };
  };
  const init = run(
    'initdb',
    ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8', '--locale=C.UTF-8'],
    60_000,
  );
  if (!init.ok) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.output}`);
  }
  const options = [
    `-p ${p}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');
  let up = false;
  const cluster: PrivatePostgres = {
    port: p,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${p}/${database}`,
    start() {
      const res = run(
        'pg_ctl',
        ['-D', data, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '30', 'start'],
        40_000,
      );
      if (!res.ok) throw new Error(`pg_ctl start failed: ${res.output}\n${serverLog()}`);
      up = true;
    },
    stop(mode = 'fast') {
      const res = run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop'], 40_000);
      if (!res.ok && existsSync(join(data, 'postmaster.pid'))) throw new Error(`pg_ctl stop failed: ${res.output}`);
      up = false;
    },
    running: () => up,
    destroy() {
      clusters.delete(cluster);
      if (existsSync(join(data, 'postmaster.pid')))
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], 20_000);
      up = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
  const serverLog = () => {
    try {
      return readFileSync(join(root, 'server.log'), 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  clusters.add(cluster);
  try {
    cluster.start();
  } catch (err) {
    cluster.destroy();
    throw err;
  }
  return cluster;
}

function pgUid(): number {
  return Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
}

function pgGid(): number {
  return Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
}
