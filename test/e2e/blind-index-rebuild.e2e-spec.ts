import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PiiCrypto } from '@phananh/core';
import { TicketStatus, TicketStore } from '@phananh/ticket-store';
import { TestApp, createTestApp, startApiApp, startScript, testConfig } from '@test/support';
import { Citizen, newCitizen, reportBody } from './public/report-bodies';

const KEY_A = Buffer.alloc(32, 0xa1).toString('base64');
const KEY_B = 'b2'.repeat(32);

/**
 * `npm run blind-index:rebuild` (the compiled script, as an operator runs it): tickets filed
 * under blind-index key A — one still keyed the old way, from the PII key — become findable
 * under key B, duplicates are recognised again, and what the window between the key change
 * and the rebuild did is reported, not hidden.
 */
describe('rebuilding the blind index under a new key', () => {
  let t: TestApp;
  let appB: INestApplication;
  const [c1, c2, c3] = [newCitizen(), newCitizen(), newCitizen()];
  const codes: Record<'c1' | 'c2' | 'c3' | 'c1Again', string> = { c1: '', c2: '', c3: '', c1Again: '' };
  const piiOf = (key?: string) => new PiiCrypto(t.config.PII_KEY, t.config.PII_KEY_ID, '', key);
  const lookup = (app: INestApplication, code: string, citizen: Citizen) =>
    request(app.getHttpServer())
      .post('/api/v1/reports/lookup')
      .send({ trackingCode: code, citizenId: citizen.citizenId });
  const hashOf = async (code: string): Promise<Buffer> =>
    (await t.db.query(`SELECT citizen_id_hash FROM tickets WHERE tracking_code = $1`, [code]))[0].citizen_id_hash;
  const rebuild = async (key: string, args: string[] = []) => {
    const run = startScript('blind-index-rebuild.js', args, { DATABASE_URL: t.env.databaseUrl, BLIND_INDEX_KEY: key });
    return { code: await run.exited, output: run.output() };
  };

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { BLIND_INDEX_KEY: KEY_A } });
    codes.c1 = (await t.http.post('/api/v1/reports').send(reportBody(c1)).expect(201)).body.trackingCode;
    codes.c2 = (await t.http.post('/api/v1/reports').send(reportBody(c2)).expect(201)).body.trackingCode;
    codes.c3 = (
      await t.http.post('/api/v1/reports').set('Idempotency-Key', 'rebuild-c3').send(reportBody(c3)).expect(201)
    ).body.trackingCode;
    // c3 as a deployment from before BLIND_INDEX_KEY wrote it: keyed from the (oldest) PII key.
    await t.db.query(`UPDATE tickets SET citizen_id_hash = $1 WHERE tracking_code = $2`, [
      piiOf().blindIndex(c3.citizenId),
      codes.c3,
    ]);
    // The same database and Redis, every process restarted with key B.
    appB = await startApiApp({
      config: testConfig(t.env, { BLIND_INDEX_KEY: KEY_B }),
      clock: t.clock,
      logStream: t.logs,
    });
  });
  afterAll(async () => {
    await appB?.close();
    await t.close();
  });

  it('between the key change and the rebuild, lookups by the old index miss and a duplicate is filed anew', async () => {
    await lookup(appB, codes.c1, c1).expect(404);
    await lookup(appB, codes.c3, c3).expect(404);
    const again = await request(appB.getHttpServer()).post('/api/v1/reports').send(reportBody(c1)).expect(201);
    codes.c1Again = again.body.trackingCode;
    expect(codes.c1Again).not.toBe(codes.c1);
  });

  it('re-keys every ticket from its decrypted number, in batches, and reports the pair the window made', async () => {
    const run = await rebuild(KEY_B, ['--batch', '2']);
    expect(run.code).toBe(3);
    expect(run.output).toContain('blind-index: done in');
    expect(run.output).toMatch(
      /4 tickets read, 2 tickets re-keyed, 1 idempotency keys removed, 1 conflicts\n[^\n]*\n {2}(\S+) \(ux_tickets_open_duplicate\)\n$/,
    );
    expect(run.output).toContain(`  ${codes.c1} (ux_tickets_open_duplicate)`);
    expect(run.output).toMatch(/4 tickets read, 2 tickets re-keyed, up to id \d+\n/);
    for (const citizen of [c1, c2, c3]) expect(run.output).not.toContain(citizen.citizenId);

    const pii = piiOf(KEY_B);
    expect((await hashOf(codes.c2)).equals(pii.blindIndex(c2.citizenId))).toBe(true);
    expect((await hashOf(codes.c3)).equals(pii.blindIndex(c3.citizenId))).toBe(true);
    expect((await hashOf(codes.c1)).equals(piiOf(KEY_A).blindIndex(c1.citizenId))).toBe(true); // left as it was
    expect(await t.db.query(`SELECT key FROM idempotency_keys`)).toEqual([]);
  });

  it('then finds the reports under the new key, and no longer under the old one', async () => {
    expect((await lookup(appB, codes.c2, c2).expect(200)).body.trackingCode).toBe(codes.c2);
    expect((await lookup(appB, codes.c3, c3).expect(200)).body.trackingCode).toBe(codes.c3);
    await lookup(appB, codes.c1Again, c1).expect(200);
    await lookup(t.app, codes.c2, c2).expect(404);
  });

  it('recognises duplicates again: a second filing of an open report answers the first', async () => {
    const dup = await request(appB.getHttpServer()).post('/api/v1/reports').send(reportBody(c2)).expect(200);
    expect(dup.body.trackingCode).toBe(codes.c2);
    // A retry of c3's filing: its idempotency key is gone, the open duplicate answers it.
    const retry = await request(appB.getHttpServer())
      .post('/api/v1/reports')
      .set('Idempotency-Key', 'rebuild-c3')
      .send(reportBody(c3))
      .expect(200);
    expect(retry.body.trackingCode).toBe(codes.c3);
  });

  it('once one of the pair is closed, a second run re-keys the other; a third run writes nothing', async () => {
    const [row] = await t.db.query(`SELECT id, version FROM tickets WHERE tracking_code = $1`, [codes.c1Again]);
    const now = t.clock.now();
    const store = t.app.get(TicketStore);
    const closed = { status: TicketStatus.Rejected, closedAt: now, slaNextAt: null };
    expect(await store.update(t.db, row.id, row.version, closed, now)).toBe(true);

    const second = await rebuild(KEY_B);
    expect(second.code).toBe(0);
    // The retry above wrote its idempotency key again (under key B); the rebuild cannot tell, and removes it.
    expect(second.output).toMatch(/4 tickets read, 1 tickets re-keyed, 1 idempotency keys removed, 0 conflicts\n$/);
    await lookup(appB, codes.c1, c1).expect(200);

    const third = await rebuild(KEY_B);
    expect(third.code).toBe(0);
    expect(third.output).toMatch(/4 tickets read, 0 tickets re-keyed/);
  });

  it('resumes after a given ticket id, leaving the ones before it alone', async () => {
    const [{ id }] = await t.db.query(`SELECT id FROM tickets WHERE tracking_code = $1`, [codes.c2]);
    const run = await rebuild(KEY_A, ['--after', String(id)]);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/2 tickets read, 2 tickets re-keyed/);
    expect((await hashOf(codes.c1)).equals(piiOf(KEY_B).blindIndex(c1.citizenId))).toBe(true);
    expect((await hashOf(codes.c2)).equals(piiOf(KEY_B).blindIndex(c2.citizenId))).toBe(true);
    expect((await hashOf(codes.c3)).equals(piiOf(KEY_A).blindIndex(c3.citizenId))).toBe(true);
  });

  it('refuses a bad key or bad arguments, naming the variable and never the value', async () => {
    const bad = await rebuild('c2hvcnQ=');
    expect(bad.code).toBe(1);
    expect(bad.output.trim()).toBe('blind-index: Invalid or missing environment variable BLIND_INDEX_KEY');
    expect((await rebuild(KEY_B, ['--after', 'x'])).code).toBe(1);
  });
});
