import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

const TICK_MS = 1000 / (Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

/** utime + stime of a process (and, with `children`, of its reaped children) in ms; null once it is gone. */
export function cpuMs(pid: number | 'self', children = false): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of proc(5), counted from field 3 here: utime, stime, cutime, cstime.
    const own = Number(fields[11]) + Number(fields[12]);
    return (children ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
  } catch {
    return null;
  }
}

/** A process and its descendants (a cluster primary and its forked processes), from /proc; [] once it is gone. */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/**
 * CPU time spent by a set of processes over a stretch of time, whatever else the machine
 * runs: the processes of the service and the PostgreSQL backends of the benchmark database
 * (polled, since pgbench's backends exit with it). A figure per request that noise from
 * other work on a shared machine changes much less than a rate.
 */
export class CpuMeter {
  private first = new Map<string, number>();
  private last = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private client: Client | undefined;
  private childStart = 0;

  constructor(
    private readonly pids: () => number[],
    private readonly database: { url: string; name: string } | null,
  ) {}

  async start(): Promise<void> {
    if (this.database) {
      this.client = new Client({ connectionString: this.database.url, application_name: 'phananh-bench-meter' });
      await this.client.connect();
    }
    this.childStart = cpuMs('self', true)! - cpuMs('self')!;
    await this.sample();
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 200);
  }

  private async sample(): Promise<void> {
    const groups: [string, number[]][] = [['node', this.pids()]];
    if (this.client) {
      const rows = (
        await this.client.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
          this.database!.name,
        ])
      ).rows as { pid: number }[];
      groups.push(['pg', rows.map((r) => r.pid)]);
    }
    for (const [group, pids] of groups) {
      for (const pid of pids) {
        const ms = cpuMs(pid);
        if (ms === null) continue;
        const key = `${group}:${pid}`;
        // A backend first seen mid-run started within it: all of its time counts.
        if (!this.first.has(key)) this.first.set(key, this.timer ? 0 : ms);
        this.last.set(key, ms);
      }
    }
  }

  /** CPU ms of the watched processes, of the database's backends, and of children this process reaped (pgbench). */
  async stop(): Promise<{ node: number; pg: number; children: number }> {
    clearInterval(this.timer);
    await this.sample().catch(() => undefined);
    await this.client?.end();
    const sum = (group: string) =>
      [...this.last].filter(([k]) => k.startsWith(`${group}:`)).reduce((s, [k, v]) => s + v - this.first.get(k)!, 0);
    const children = cpuMs('self', true)! - cpuMs('self')! - this.childStart;
    return { node: Math.round(sum('node')), pg: Math.round(sum('pg')), children: Math.round(children) };
  }
}
