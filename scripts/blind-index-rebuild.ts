import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ConfigError, SystemClock, loadConfig, piiCryptoOf } from '@phananh/core';
import { dataSourceOptions } from '@phananh/database';
import { IdempotencyRetention } from '@phananh/reports';
import { BLIND_INDEXED_COLUMNS, TicketStore, blindIndexSql } from '@phananh/ticket-store';

const USAGE = `npm run blind-index:rebuild [-- --after <ticket id>] [--batch <n>]

Recomputes every blind index (${BLIND_INDEXED_COLUMNS.map((c) => blindIndexSql(c).hash).join(', ')}) under the
BLIND_INDEX_KEY of the environment, from the decrypted values, in batches of --batch tickets
(default 1000), then removes the idempotency keys (their fingerprints cannot be recomputed).
Run it with the service's own environment, right after every process was restarted with the
new BLIND_INDEX_KEY. Safe beside the running service; idempotent; --after resumes after the
ticket id it printed last. Exit 0 when done, 3 when some tickets collided (listed), 1 on error.`;

/**
 * `npm run blind-index:rebuild`: re-keys the blind indexes after BLIND_INDEX_KEY changed (or
 * was introduced: indexes written before it were keyed from the oldest PII key). Prints counts
 * and tracking codes only, never a personal value.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      after: { type: 'string', default: '0' },
      batch: { type: 'string', default: '1000' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const batchSize = Number(values.batch);
  if (!/^\d+$/.test(values.after) || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
    console.error(USAGE);
    return 1;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`blind-index: ${err.message}\n`);
    return 1;
  }
  const pii = piiCryptoOf(config);
  const db = new DataSource({ ...dataSourceOptions(config.DATABASE_URL, 2), migrations: [] });
  await db.initialize();
  try {
    const store = new TicketStore(db, config);
    let after = values.after;
    let scanned = 0;
    let rewritten = 0;
    const conflicts: { trackingCode: string; constraint: string }[] = [];
    const started = performance.now();
    for (;;) {
      let batch;
      try {
        batch = await store.rebuildBlindIndexes(pii, after, batchSize);
      } catch (err) {
        process.stderr.write(`blind-index: stopped after ticket id ${after}; resume with --after ${after}\n`);
        throw err;
      }
      if (batch.lastId === null) break;
      scanned += batch.scanned;
      rewritten += batch.rewritten;
      conflicts.push(...batch.conflicts);
      after = batch.lastId;
      process.stderr.write(`blind-index: ${scanned} tickets read, ${rewritten} tickets re-keyed, up to id ${after}\n`);
    }
    const idempotency = await new IdempotencyRetention(db, new SystemClock()).removeAll();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `blind-index: done in ${seconds} s: ${scanned} tickets read, ${rewritten} tickets re-keyed, ` +
        `${idempotency} idempotency keys removed, ${conflicts.length} conflicts`,
    );
    if (!conflicts.length) return 0;
    console.log(
      'blind-index: these tickets duplicate an open report filed while lookups by the old index missed; ' +
        'their index was left as it was. Close or merge one of each pair, then run the rebuild again:',
    );
    for (const c of conflicts) console.log(`  ${c.trackingCode} (${c.constraint})`);
    return 3;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`blind-index: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
