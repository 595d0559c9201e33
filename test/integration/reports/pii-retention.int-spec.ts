import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FakeClock, HOUR_MS } from '@phananh/core';
import {
  AttachmentStore,
  DAY_MS,
  OpenedAttachment,
  PiiRetention,
  RETENTION_BATCH,
  StagedFile,
  StoredFile,
} from '@phananh/reports';
import {
  CLAIM_ERASABLE_IN_CAMPAIGN_SQL,
  CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL,
  TicketAction,
  TicketStatus,
  TicketStore,
} from '@phananh/ticket-store';
import { TestApp, createTestApp, newAttachment, newTicket, newTickets } from '@test/support';

const CUTOFF = new Date('2021-11-13T00:00:00+07:00');
const RETAINED = 180 * DAY_MS;

/** An attachment store that fails to remove the files it is told to, as a full or read-only disk would. */
class FlakyStore extends AttachmentStore {
  readonly failing = new Set<string>();
  constructor(private readonly inner: AttachmentStore) {
    super();
  }
  put(content: Buffer | Readable): Promise<StoredFile> {
    return this.inner.put(content);
  }
  open(key: string, sha256?: Buffer): Promise<OpenedAttachment> {
    return this.inner.open(key, sha256);
  }
  isSealed(key: string): Promise<boolean> {
    return this.inner.isSealed(key);
  }
  readUnsealed(key: string, maxBytes: number): Promise<Buffer> {
    return this.inner.readUnsealed(key, maxBytes);
  }
  stage(key: string, content: Buffer | Readable): Promise<StagedFile> {
    return this.inner.stage(key, content);
  }
  async remove(key: string): Promise<void> {
    if (this.failing.has(key)) throw Object.assign(new Error(`EIO: i/o error, unlink '${key}'`), { code: 'EIO' });
    return this.inner.remove(key);
  }
}

/**
 * The retention job against the real schema: which tickets it claims and through which index,
 * batches and their cost, several runs at once, and a file removal that fails.
 */
describe('PiiRetention', () => {
  let t: TestApp;
  let clock: FakeClock;
  let dir: string;
  let files: FlakyStore;
  let retention: PiiRetention;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-retention-'));
    clock = new FakeClock('2021-11-20T08:00:00+07:00');
    t = await createTestApp({ worker: false, clock, env: { ATTACHMENTS_DIR: dir } });
    files = new FlakyStore(t.app.get(AttachmentStore));
    retention = new PiiRetention(t.db, clock, t.config, t.app.get(TicketStore), files);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (where: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM tickets t WHERE ${where}`))[0].n;

  it('claims the next batch through ix_tickets_pii_retention, in campaigns and outside them', async () => {
    // 8,000 open tickets of the campaign, 1,000 closed and already erased, 3,000 closed ones of
    // the campaign with a history note each, and 20 closed ones outside any campaign.
    const received = new Date('2021-11-05T08:00:00+07:00');
    await newTickets(
      t,
      Array.from({ length: 8000 }, () => ({ receivedAt: received, campaignCode: '2021-11' })),
    );
    await newTickets(
      t,
      Array.from({ length: 1000 }, () => ({
        receivedAt: new Date('2020-01-01T08:00:00+07:00'),
        campaignCode: null,
        status: TicketStatus.Resolved,
      })),
    );
    clock.set(new Date(new Date('2020-01-01T09:00:00+07:00').getTime() + RETAINED + HOUR_MS));
    expect((await retention.run()).tickets).toBe(1000);
    clock.set('2021-11-20T08:00:00+07:00');
    const closed = await newTickets(
      t,
      Array.from({ length: 3000 }, () => ({ receivedAt: received, status: TicketStatus.Resolved })),
    );
    await t.app.get(TicketStore).appendEvents(
      t.db,
      closed.map((id) => ({
        ticketId: id,
        at: received,
        action: TicketAction.Resolved,
        note: 'Đã sửa cho Nguyễn Văn An',
      })),
    );
    await newTickets(
      t,
      Array.from({ length: 20 }, () => ({
        receivedAt: new Date('2021-11-15T08:00:00+07:00'),
        campaignCode: null,
        status: TicketStatus.Rejected,
      })),
    );
    await t.db.query('ANALYZE tickets');
    // With the whole campaign due (3,000 rows match) and with none.
    const plans = [
      [CLAIM_ERASABLE_IN_CAMPAIGN_SQL, ['2021-11', RETENTION_BATCH]],
      [CLAIM_ERASABLE_IN_CAMPAIGN_SQL, ['2099-01', RETENTION_BATCH]],
      [CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL, [new Date(CUTOFF.getTime() + RETAINED), RETENTION_BATCH]],
      [CLAIM_ERASABLE_OUTSIDE_CAMPAIGNS_SQL, [new Date('2021-12-01T00:00:00+07:00'), RETENTION_BATCH]],
    ] as const;
    for (const [sql, params] of plans) {
      // Inside a transaction, as the job runs it (FOR UPDATE).
      const plan = await t.db.transaction(async (m) => m.query(`EXPLAIN (FORMAT JSON) ${sql}`, params));
      const text = JSON.stringify(plan);
      expect(text).toContain('"Node Type":"Index Scan"');
      expect(text).toContain('"Index Name":"ix_tickets_pii_retention"');
      expect(text).not.toMatch(/Bitmap|Seq Scan|"Node Type":"Sort"/);
    }
    const started = performance.now();
    const idle = await t.app
      .get(TicketStore)
      .erasePersonalData(new Date(CUTOFF.getTime() - 1), clock.now(), RETENTION_BATCH);
    expect(idle).toEqual({ tickets: 0, notes: 0, files: 0 });
    process.stdout.write(
      `[pii-retention] an idle batch (two index probes): ${(performance.now() - started).toFixed(1)} ms\n`,
    );
  });

  it('erases in batches of 1,000, several runs at once, each ticket once, and leaves the open ones alone', async () => {
    clock.set(new Date(CUTOFF.getTime() + RETAINED));
    const erasedBefore = await count('pii_erased_at IS NOT NULL');
    const started = performance.now();
    const outcomes = await Promise.all([retention.run(), retention.run(), retention.run()]);
    const ms = performance.now() - started;
    // The 3,000 of the campaign; the 20 outside it were closed too recently.
    expect(outcomes.reduce((n, o) => n + o.tickets, 0)).toBe(3000);
    expect(await count('pii_erased_at IS NOT NULL')).toBe(erasedBefore + 3000);
    expect(await count(`pii_erased_at IS NULL AND closed_at IS NOT NULL AND campaign_code = '2021-11'`)).toBe(0);
    expect(await count(`pii_erased_at IS NULL AND closed_at IS NOT NULL AND campaign_code IS NULL`)).toBe(20);
    expect(await count(`pii_erased_at IS NOT NULL AND status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`)).toBe(0);
    expect(
      await count(
        `pii_erased_at IS NOT NULL AND (citizen_name IS NOT NULL OR citizen_dob IS NOT NULL OR citizen_id_enc IS NOT NULL
           OR citizen_id_hash IS NOT NULL OR citizen_id_masked IS NOT NULL OR phone_enc IS NOT NULL
           OR phone_masked IS NOT NULL OR description IS NOT NULL OR resolution IS NOT NULL OR facility_name IS NOT NULL
           OR lot_number IS NOT NULL OR rejection_note IS NOT NULL)`,
      ),
    ).toBe(0);
    const [{ notes, kept }] = await t.db.query(
      `SELECT count(*) FILTER (WHERE e.note IS NOT NULL)::int AS notes, count(*)::int AS kept
       FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.pii_erased_at IS NOT NULL`,
    );
    expect({ notes, kept }).toEqual({ notes: 0, kept: 3000 });
    expect(await count(`status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED') AND citizen_name IS NOT NULL`)).toBe(8000);
    process.stdout.write(
      `[pii-retention] 3,000 tickets and their history notes erased by 3 concurrent runs in ${ms.toFixed(0)} ms\n`,
    );
    expect((await retention.run()).tickets).toBe(0);
  });

  it('keeps the erasure when a file cannot be removed, and the next run removes it', async () => {
    clock.set('2021-11-20T08:00:00+07:00');
    const ticket = await newTicket(t, {
      receivedAt: new Date('2021-11-20T08:00:00+07:00'),
      campaignCode: null,
      status: TicketStatus.Resolved,
      closedAt: new Date('2021-11-20T09:00:00+07:00'),
    });
    const a = await newAttachment(t, ticket, Buffer.from('%PDF-1.4 proof one'), 'application/pdf');
    const b = await newAttachment(t, ticket, Buffer.from('%PDF-1.4 proof two'), 'application/pdf');
    files.failing.add(b.storageKey);
    clock.set(new Date(new Date('2021-11-20T09:00:00+07:00').getTime() + RETAINED));

    const first = await retention.run();
    expect(first).toMatchObject({ files: 1, filesFailed: 1 });
    expect(first.tickets).toBeGreaterThanOrEqual(1);
    const [row] = await t.db.query(`SELECT pii_erased_at, citizen_id_hash FROM tickets WHERE id = $1`, [ticket.id]);
    expect(row.pii_erased_at).not.toBeNull();
    expect(row.citizen_id_hash).toBeNull();
    await expect(files.open(a.storageKey)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await files.open(b.storageKey).then((o) => (o.stream.destroy(), true))).toBe(true);
    const rows = await t.db.query(
      `SELECT id, storage_key, sha256, erased_at IS NOT NULL AS erased, content_type, size FROM attachments
       WHERE ticket_id = $1 ORDER BY storage_key IS NULL, id`,
      [ticket.id],
    );
    expect(rows).toEqual([
      { id: b.id, storage_key: b.storageKey, sha256: null, erased: true, content_type: 'application/pdf', size: 18 },
      { id: a.id, storage_key: null, sha256: null, erased: true, content_type: 'application/pdf', size: 18 },
    ]);
    expect(t.logs.text()).not.toContain(b.storageKey);

    files.failing.clear();
    expect(await retention.run()).toEqual({ tickets: 0, files: 1, filesFailed: 0 });
    await expect(files.open(b.storageKey)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await retention.run()).toEqual({ tickets: 0, files: 0, filesFailed: 0 });
  });
});
