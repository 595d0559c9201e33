import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { HOUR_MS } from '@phananh/core';
import { startBenchRedis } from './services';
import { round, runMain } from './stats';

const GIB = 2 ** 30;
/** The 2021 campaign's scale: about 3 million reports open at once. */
const OPEN_TICKETS = 3_000_000;

export interface JobMemoryFigures {
  jobs: number;
  before: number;
  after: number;
  bytesPerJob: number;
  /** Redis for OPEN_TICKETS tickets with one rung scheduled at a time, and with all three. */
  gibOneRung: number;
  gibThreeRungs: number;
}

const usedMemory = async (redis: IORedis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);

/**
 * What the design the SLA engine rejected would cost (README, "The SLA engine"): a delayed
 * BullMQ job per ticket and rung, as `sla-overdue` jobs due 48 hours later, in a redis-server
 * of its own so that nothing else moves its used_memory.
 */
export async function delayedJobMemory(jobs: number): Promise<JobMemoryFigures> {
  const server = await startBenchRedis();
  const client = new IORedis(server.url, { maxRetriesPerRequest: null });
  const queue = new Queue('sla', { connection: client, prefix: 'measure' });
  try {
    const dueAt = new Date('2021-11-06T12:00:00+07:00');
    // BullMQ loads its scripts and metadata on the first call: measure after it, not through it.
    await queue.add('warm-up', {}, { delay: 48 * HOUR_MS });
    const before = await usedMemory(client);
    for (let i = 0; i < jobs; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, jobs - i) }, (_, j) => ({
          name: 'sla-overdue',
          data: { ticketId: String(i + j), dueAt: dueAt.toISOString() },
          opts: { jobId: `sla-overdue-${i + j}-${dueAt.getTime()}`, delay: 48 * HOUR_MS },
        })),
      );
    }
    const after = await usedMemory(client);
    const perJob = (after - before) / jobs;
    return {
      jobs,
      before,
      after,
      bytesPerJob: round(perJob),
      gibOneRung: round((perJob * OPEN_TICKETS) / GIB, 1),
      gibThreeRungs: round((perJob * 3 * OPEN_TICKETS) / GIB, 1),
    };
  } finally {
    await queue.close();
    client.disconnect();
    await server.stop();
  }
}

/** `node dist/bench/job-memory.js [jobs]`: the figure alone, in a few seconds. */
if (require.main === module) {
  runMain(async () => {
    const figures = await delayedJobMemory(Number(process.argv[2] ?? 10_000));
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  });
}
