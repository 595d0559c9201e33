import { cpuMs } from './cpu';
import { login, seedQueuePage } from './officials';
import { startBenchRedis, startBenchService } from './services';
import { percentile, round, runMain } from './stats';

/**
 * Before and after for the officer's queue page, side by side: two builds' API processes on one
 * database (2,000 open tickets in the unit, as profile-queue.ts), one official clicking alone —
 * requests one at a time, alternating between the two builds, so that whatever else the machine
 * does weighs on both alike.
 *
 *   node dist/bench/ab-queue.js --before=<root of the other build> [--requests=2000]
 *
 * The database is migrated by this build; the other build's process must accept it.
 * Prints each build's latency percentiles and Node CPU ms per page.
 */
async function main() {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const beforeRoot = arg('before');
  if (!beforeRoot) throw new Error('--before=<root of the other build> is required');
  const requests = Number(arg('requests') ?? 2000);
  const url = await seedQueuePage();
  const redis = await startBenchRedis();
  const after = await startBenchService('api', { databaseUrl: url, redisUrl: redis.url, redisPrefix: 'after' });
  const before = await startBenchService('api', {
    databaseUrl: url,
    redisUrl: redis.url,
    redisPrefix: 'before',
    root: beforeRoot,
  });
  try {
    const builds = [
      { name: 'before', service: before, token: await login(before.url, 'bench-officer'), ms: [] as number[] },
      { name: 'after', service: after, token: await login(after.url, 'bench-officer'), ms: [] as number[] },
    ];
    const page = async (b: (typeof builds)[number]) => {
      const t = performance.now();
      const res = await fetch(`${b.service.url}/api/v1/tickets?limit=50`, {
        headers: { authorization: `Bearer ${b.token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${b.name}: ${res.status}`);
      return performance.now() - t;
    };
    for (const b of builds) for (let i = 0; i < 50; i++) await page(b); // warm-up
    const cpu0 = builds.map((b) => cpuMs(b.service.proc.pid!)!);
    for (let i = 0; i < requests; i++) {
      // Alternate which goes first, so that neither always follows the other.
      const order = i % 2 ? builds : [...builds].reverse();
      for (const b of order) b.ms.push(await page(b));
    }
    const cpuPerPage = builds.map((b, k) => round((cpuMs(b.service.proc.pid!)! - cpu0[k]) / requests, 3));
    for (const [k, b] of builds.entries()) {
      console.log(
        JSON.stringify({
          build: b.name,
          requests: b.ms.length,
          p50: round(percentile(b.ms, 50), 2),
          p90: round(percentile(b.ms, 90), 2),
          p99: round(percentile(b.ms, 99), 2),
          max: round(Math.max(...b.ms), 1),
          // Node CPU ms per page: the process's CPU time over the pages it served (one at a time).
          cpuPerPage: cpuPerPage[k],
        }),
      );
    }
  } finally {
    await before.stop();
    await after.stop();
    await redis.stop();
  }
}
runMain(main);
