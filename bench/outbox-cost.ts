import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { newTrackingCode } from '@phananh/reports';
import { FILE_TICKETS_SQL, Filing, IssueType, filingParameters, newTicketRecord } from '@phananh/ticket-store';
import { benchPii, resetBenchDatabase, withClient } from './bench-env';
import { runMain } from './stats';

/**
 * What the relay's outbox adds to the filing statement (issue 15): the statement as intake runs
 * it, and the same statement without its `relayed` CTE (the outbox insert), alternated on one
 * database and one connection, batch after batch, so that both see the same machine and the same
 * table sizes. Prints the median and p90 milliseconds per statement of each, per batch size.
 * `node dist/bench/outbox-cost.js [--rounds 300]` after `npm run build`.
 */
const WITHOUT_OUTBOX =
  FILE_TICKETS_SQL.slice(0, FILE_TICKETS_SQL.indexOf('), relayed AS (')) +
  FILE_TICKETS_SQL.slice(FILE_TICKETS_SQL.indexOf('), files AS ('));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '300' } } });
  if (WITHOUT_OUTBOX === FILE_TICKETS_SQL) throw new Error('could not take the outbox CTE out of the statement');
  const pii = benchPii();
  const url = await resetBenchDatabase('phananh_bench_outbox');
  const filing = (): Filing => {
    const citizenId = `0010900${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
    const now = new Date();
    return {
      ticket: newTicketRecord({
        trackingCode: newTrackingCode(),
        issueType: IssueType.Other,
        receivedAt: now,
        dueAt: new Date(now.getTime() + 48 * 3_600_000),
        campaignCode: null,
        unitCode: '00001',
        districtCode: '001',
        provinceCode: '01',
        citizenName: 'Nguyễn Văn An',
        citizenDob: '1990-05-17',
        citizenIdEnc: randomBytes(40),
        citizenIdHash: pii.blindIndex(citizenId + randomBytes(4).toString('hex')),
        phoneEnc: randomBytes(40),
        phoneHash: randomBytes(32),
        citizenIdMasked: '001******345',
        phoneMasked: '091****678',
        citizenWardCode: '00001',
        doseNumber: null,
        vaccineCode: null,
        vaccinatedOn: null,
        doseWardCode: null,
        facilityName: null,
        lotNumber: null,
        description: null,
        slaStage: 0,
        slaNextAt: now,
        noticeVersion: 'bench',
        emailEnc: null,
        lang: 'vi',
      }),
      files: [],
      receipt: null,
    };
  };
  await withClient(url, async (c) => {
    for (const size of [1, 20]) {
      const ms: Record<'with' | 'without', number[]> = { with: [], without: [] };
      for (let i = 0; i < Number(values.rounds); i++) {
        for (const which of i % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
          const params = filingParameters(Array.from({ length: size }, filing), 5);
          const started = performance.now();
          await c.query(which === 'with' ? FILE_TICKETS_SQL : WITHOUT_OUTBOX, params);
          ms[which].push(performance.now() - started);
        }
      }
      const stat = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)].toFixed(2);
      console.log(
        `batch of ${size}: with the outbox median ${stat(ms.with, 0.5)} ms p90 ${stat(ms.with, 0.9)} ms; ` +
          `without median ${stat(ms.without, 0.5)} ms p90 ${stat(ms.without, 0.9)} ms (${values.rounds} statements each)`,
      );
    }
    const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM ticket_event_outbox`)).rows;
    console.log(`outbox rows written: ${n}`);
  });
}

runMain(main);
