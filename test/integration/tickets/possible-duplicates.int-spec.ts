import { IssueType } from '@phananh/ticket-store';
import { MERGE_PAIR_SQL, TICKET_FILES_SQL, possibleDuplicatesSql, ticketFileSql } from '@phananh/tickets';
import { TestApp, createTestApp, newTickets } from '@test/support';

const TICKETS = 20_000;

/**
 * The possible-duplicates list, the merge's pair check and a kept ticket's files read a few
 * rows by index however many tickets and files there are: never a scan of `tickets` or
 * `attachments` (an OR over attachments.ticket_id once scanned every file on each download).
 */
describe('possible duplicates and merged files at scale', () => {
  let t: TestApp;
  let ids: string[];

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    ids = await newTickets(
      t,
      Array.from({ length: TICKETS }, () => ({ issueType: IssueType.Other, doseNumber: null })),
    );
    // Every 50th ticket linked to the one before it; every 500th merged into it.
    await t.db.query(`UPDATE tickets SET duplicate_of = id - 1 WHERE id % 50 = 0 AND id > $1`, [ids[0]]);
    await t.db.query(
      `UPDATE tickets SET status = 'MERGED', merged_into = id - 1, sla_next_at = NULL WHERE id % 500 = 0 AND id > $1`,
      [ids[0]],
    );
    await t.db.query(
      `INSERT INTO attachments (ticket_id, content_type, size, sha256, storage_key, created_at)
       SELECT id, 'image/png', 1, '\\x00', 'k' || id, now() FROM tickets`,
    );
    await t.db.query('ANALYZE tickets');
    await t.db.query('ANALYZE attachments');
  });
  afterAll(() => t.close());

  const plan = async (sql: string, params: unknown[]) => {
    const [row] = await t.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return JSON.stringify(row);
  };
  /** The merged ticket of a pair (id % 500 = 0) and the one it was merged into. */
  const pair = () => {
    const merged = ids.find((id) => BigInt(id) % 500n === 0n && id !== ids[0])!;
    return { merged, kept: String(BigInt(merged) - 1n) };
  };

  it('lists a ticket’s possible duplicates by primary key and ix_tickets_duplicate_of', async () => {
    const text = await plan(possibleDuplicatesSql('d.unit_code = $2'), [pair().kept, '00001']);
    expect(text).toContain('ix_tickets_duplicate_of');
    expect(text).not.toContain('Seq Scan');
    const [linked] = await t.db.query(possibleDuplicatesSql('d.unit_code = $2'), [pair().kept, '00001']);
    expect(linked.id).toBe(pair().merged);
  });

  it('checks a merge pair the same way', async () => {
    const text = await plan(MERGE_PAIR_SQL, [pair().merged, pair().kept]);
    expect(text).not.toContain('Seq Scan');
  });

  it('lists and serves a kept ticket’s files, its own and its merged reports’, by index', async () => {
    const { merged, kept } = pair();
    const listed = await plan(TICKET_FILES_SQL, [kept]);
    expect(listed).toContain('ix_tickets_merged_into');
    expect(listed).toContain('ix_attachments_ticket');
    expect(listed).not.toContain('Seq Scan');
    const files = await t.db.query(TICKET_FILES_SQL, [kept]);
    expect(files.map((f: { src: number }) => f.src)).toEqual([0, 1]);

    const [file] = await t.db.query(`SELECT id FROM attachments WHERE ticket_id = $1`, [merged]);
    const [code] = await t.db.query(`SELECT tracking_code FROM tickets WHERE id = $1`, [kept]);
    const params = [code.tracking_code, file.id, '00001'];
    const served = await plan(ticketFileSql('t.unit_code = $3'), params);
    expect(served).toContain('ix_attachments_ticket');
    expect(served).not.toContain('Seq Scan');
    const [row] = await t.db.query(ticketFileSql('t.unit_code = $3'), params);
    expect(row.id).toBe(file.id);
  });
});
