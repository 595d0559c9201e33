import autocannon from 'autocannon';
import { login, seedQueuePage } from './officials';
import { cpuMs } from './cpu';
import { startBenchRedis, startBenchService } from './services';
import { round, runMain } from './stats';

/**
 * An officer reads the first page of a 2,000-ticket queue for a while under --cpu-prof: what a
 * page costs Node. With --no-prof, no profiler: the figures are the page's latency and Node's CPU per page.
 * `--connections=N` (default 4): 1 is one official clicking without pause.
 */
async function main() {
  const seconds = Number(process.argv[2] ?? 15);
  const profile = !process.argv.includes('--no-prof');
  const connections = Number(process.argv.find((a) => a.startsWith('--connections='))?.split('=')[1] ?? 4);
  const url = await seedQueuePage();
  const redis = await startBenchRedis();
  const api = await startBenchService('api', {
    databaseUrl: url,
    redisUrl: redis.url,
    redisPrefix: 'bench',
    nodeArgs: !profile
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR ?? '/tmp/phananh-bench-logs/prof'}`],
  });
  try {
    const token = await login(api.url, 'bench-officer');
    const cpuBefore = cpuMs(api.proc.pid!)!;
    const r = await autocannon({
      url: `${api.url}/api/v1/tickets?limit=50`,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${token}` },
    });
    const cpuPerPage = round((cpuMs(api.proc.pid!)! - cpuBefore) / r.requests.total, 3);
    console.log(
      JSON.stringify({
        connections,
        requests: r.requests.total,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        cpuPerPage,
      }),
    );
  } finally {
    await api.stop();
    await redis.stop();
  }
}
runMain(main);
