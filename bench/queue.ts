import autocannon from 'autocannon';
import { Pool } from 'pg';
import { Role } from '@phananh/identity';
import { TicketQueue } from '@phananh/tickets';
import { percentile, round } from './stats';

export interface LatencyFigures {
  requests: number;
  p50: number;
  p99: number;
  max: number;
}

export interface QueueFigures {
  unitOpen: number;
  totalTickets: number;
  depth: number;
  /** 4 connections: officials clicking with no pause, the process saturated. */
  firstPage: LatencyFigures;
  deepPage: LatencyFigures;
  /** One connection: an official alone, what a click costs. (Absent from runs before it was measured.) */
  firstPageAlone?: LatencyFigures;
  deepPageAlone?: LatencyFigures;
  firstPageSql: LatencyFigures;
  deepPageSql: LatencyFigures;
}

async function httpLatency(url: string, token: string, seconds: number, connections: number): Promise<LatencyFigures> {
  const r = await autocannon({ url, connections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
  if (r.non2xx || r.errors) throw new Error(`queue page ${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max };
}

/** The page's own SQL through a pool of `connections`, for as long: what PostgreSQL alone takes. */
async function sqlLatency(pool: Pool, sql: string, params: unknown[], seconds: number, connections: number) {
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await pool.query(sql, params);
        samples.push(performance.now() - t);
      }
    }),
  );
  return {
    requests: samples.length,
    p50: round(percentile(samples, 50), 2),
    p99: round(percentile(samples, 99), 2),
    max: round(Math.max(...samples), 2),
  };
}

/**
 * An officer's queue in a unit with `unitOpen` open tickets among a million: the first page,
 * and a page `depth` tickets deep reached by following nextCursor, over HTTP (autocannon,
 * keep-alive) beside the same SQL sent straight to PostgreSQL.
 */
export async function queueFigures(opts: {
  apiUrl: string;
  databaseUrl: string;
  token: string;
  unitCode: string;
  depth: number;
  seconds: number;
  connections: number;
}): Promise<Omit<QueueFigures, 'unitOpen' | 'totalTickets'>> {
  const limit = 50;
  let cursor: string | null = null;
  let walked = 0;
  while (walked < opts.depth) {
    const page = await fetch(
      `${opts.apiUrl}/api/v1/tickets?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { authorization: `Bearer ${opts.token}` } },
    );
    const body = (await page.json()) as { items: unknown[]; nextCursor: string | null };
    walked += body.items.length;
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  const first = `${opts.apiUrl}/api/v1/tickets?limit=${limit}`;
  const deep = `${opts.apiUrl}/api/v1/tickets?limit=${limit}&cursor=${encodeURIComponent(cursor ?? '')}`;
  const firstPageAlone = await httpLatency(first, opts.token, opts.seconds, 1);
  const deepPageAlone = await httpLatency(deep, opts.token, opts.seconds, 1);
  const firstPage = await httpLatency(first, opts.token, opts.seconds, opts.connections);
  const deepPage = await httpLatency(deep, opts.token, opts.seconds, opts.connections);

  // The endpoint's exact SQL, built by the service's own query builder.
  const builder = new TicketQueue(null as never, null as never, null as never, null as never);
  const user = {
    id: '0',
    username: 'x',
    role: Role.Officer,
    unitCode: opts.unitCode,
    fullName: 'x',
    unitLevel: 'ward' as const,
  };
  const pool = new Pool({ connectionString: opts.databaseUrl, max: opts.connections });
  try {
    const a = builder.sql(user, { limit });
    const b = builder.sql(user, { limit, cursor: cursor ?? undefined });
    const firstPageSql = await sqlLatency(pool, a.sql, a.params, opts.seconds, opts.connections);
    const deepPageSql = await sqlLatency(pool, b.sql, b.params, opts.seconds, opts.connections);
    return { depth: walked, firstPage, deepPage, firstPageAlone, deepPageAlone, firstPageSql, deepPageSql };
  } finally {
    await pool.end();
  }
}
