import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self and inclusive time by function (top N) of a .cpuprofile, to read a --cpu-prof run in text. */
export function summarise(file: string, top = 30): string {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const key = (n: Node) => {
    const url = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  };
  const selfBy = new Map<string, number>();
  const inclBy = new Map<string, number>();
  const pkgBy = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + t);
    const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(n.callFrame.url);
    const pkg = m
      ? m[1]
      : n.callFrame.url
        ? n.callFrame.url.includes('/dist/')
          ? 'phananh'
          : 'node'
        : n.callFrame.functionName;
    pkgBy.set(pkg, (pkgBy.get(pkg) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclBy.set(k, (inclBy.get(k) ?? 0) + t);
    }
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
  const lines = [`total ${(total / 1000).toFixed(0)} ms sampled`, '', 'by package (self):'];
  for (const [k, t] of [...pkgBy].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(t)}  ${k}`);
  lines.push('', 'self:');
  for (const [k, t] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  lines.push('', 'inclusive:');
  for (const [k, t] of [...inclBy].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  return lines.join('\n');
}

if (require.main === module && process.argv[3] !== 'categories')
  console.log(summarise(process.argv[2], Number(process.argv[3] ?? 30)));

/** Where the samples under each named part of the stack went (first match walking up from the leaf). */
export function byCategory(file: string, categories: [string, RegExp][]): string {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const t = prof.timeDeltas[i] ?? 0;
    total += t;
    let found = 'other';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const label = `${f.functionName} ${f.url}`;
      const hit = categories.find(([, re]) => re.test(label));
      if (hit) {
        found = hit[0];
        break;
      }
    }
    totals.set(found, (totals.get(found) ?? 0) + t);
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}

export const REQUEST_CATEGORIES: [string, RegExp][] = [
  ['(idle)', /^\(idle\)/],
  ['(gc)', /^\(garbage collector\)/],
  ['boot: module loading', /Module\._load|loadESMFromCJS|compileSourceTextModule/],
  ['logging (pino, pino-http)', /pino|logger-options|sonic-boom/],
  ['validation (class-validator, report checks)', /class-validator|class-transformer|report-check|validators\.js/],
  ['rate limit (throttler, Redis)', /throttler|redis-throttler/],
  ['PII crypto and hashes', /pii-crypto|createHmac|Hmac|Cipher|requestHash/],
  ['PostgreSQL client (pg, typeorm)', /node_modules\/pg\/|typeorm|pg-protocol/],
  ['Redis client', /ioredis/],
  ['JSON body parsing', /body-parsers|content-type-parser/],
  ['helmet, cors', /helmet|cors/],
  ['metrics', /prom-client|metrics/],
  ['intake service', /reports\.service|report\.repository|filing-batch|routing/],
  ['Nest pipeline (guards, interceptors, router)', /@nestjs\/core|rxjs|router-execution|platform-fastify/],
  ['fastify, router', /node_modules\/fastify\/|find-my-way|middie|avvio/],
  ['HTTP server and sockets', /_http_|net\.js|node:net|stream_base|writev|Socket/],
];

if (require.main === module && process.argv[3] === 'categories')
  console.log(byCategory(process.argv[2], REQUEST_CATEGORIES));
