import { BENCH_DB, resetBenchDatabase } from './bench-env';
import { fileReports } from './intake';
import { startBenchRedis, startBenchService } from './services';
import { runMain } from './stats';

/** Files reports at the service for a while under --cpu-prof, to see what dominates the request path. */
async function main() {
  const seconds = Number(process.argv[2] ?? 15);
  const url = await resetBenchDatabase(BENCH_DB);
  const redis = await startBenchRedis();
  const api = await startBenchService('api', {
    databaseUrl: url,
    redisUrl: redis.url,
    redisPrefix: 'bench',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR ?? '/tmp/phananh-bench-logs/prof'}`],
  });
  try {
    const r = await fileReports([api.url], { connections: 32, seconds, serialStart: 0 });
    console.log(JSON.stringify(r));
  } finally {
    await api.stop();
    await redis.stop();
  }
}
runMain(main);
