import { parseArgs } from 'node:util';
import { bulkCampaign, bulkLoadTickets } from '../test/support/bulk-load';
import { benchPii, loadNow, resetBenchDatabase, withClient } from './bench-env';
import { LoadResult, fileReports } from './intake';
import { startBenchRedis, startBenchService } from './services';
import { runMain } from './stats';

const AB_DB = 'phananh_bench_ab';

/**
 * Intake of two builds of the service, alternated on one database (before, after, before,
 * after, …) so that both see the same machine: how a change moved the rate and the CPU per
 * report. Build the old tree into its own <root>/dist first.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      after: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      tickets: { type: 'string', default: '100000' },
      database: { type: 'string', default: AB_DB },
    },
  });
  if (!values.before || !values.after) throw new Error('--before=<root> and --after=<root> are required');
  const url = await resetBenchDatabase(values.database);
  const campaign = await withClient(url, (c) => bulkCampaign(c, '2021-11'));
  await bulkLoadTickets(url, benchPii(), {
    count: Number(values.tickets),
    receivedFrom: campaign.intakeFrom,
    receivedTo: new Date('2021-11-08T20:00:00+07:00'),
    campaign,
    fast: true,
    serialStart: 0,
  });
  const redis = await startBenchRedis();
  const results: Record<string, LoadResult[]> = { before: [], after: [] };
  process.stderr.write(`load at start ${loadNow()}\n`);
  try {
    let serial = 1_000_000;
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const which of ['before', 'after'] as const) {
        const api = await startBenchService('api', {
          databaseUrl: url,
          redisUrl: redis.url,
          redisPrefix: `ab-${which}`,
          root: values[which],
        });
        try {
          await fileReports([api.url], { connections: 16, seconds: 3, serialStart: (serial += 100_000) });
          const r = await fileReports([api.url], {
            connections: Number(values.connections),
            seconds: Number(values.seconds),
            serialStart: (serial += 500_000),
            pids: [api.proc.pid!],
            database: values.database,
          });
          results[which].push(r);
          process.stderr.write(
            `${which}: ${r.rate}/s p99 ${r.p99} ms, CPU ms per report Node ${r.cpuNode} PostgreSQL ${r.cpuPg}\n`,
          );
        } finally {
          await api.stop();
        }
      }
    }
  } finally {
    await redis.stop();
  }
  process.stderr.write(`load at end ${loadNow()}\n`);
  console.log(JSON.stringify(results));
}

runMain(main);
