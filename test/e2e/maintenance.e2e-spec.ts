import { FakeClock, HOUR_MS } from '@phananh/core';
import { AttachmentStore, IdempotencyRetention, PiiRetention } from '@phananh/reports';
import { TicketStore } from '@phananh/ticket-store';
import { TestApp, createTestApp } from '@test/support';
import { MaintenanceProcessor } from '../../apps/worker/src/processors/maintenance.processor';
import { reportBody } from './public/report-bodies';

describe('the cleanup job', () => {
  let t: TestApp;
  let clock: FakeClock;

  // Without the worker, whose hourly schedule could run the job under the test's feet.
  beforeAll(async () => {
    clock = new FakeClock();
    t = await createTestApp({ clock, worker: false });
  });
  afterAll(() => t.close());

  it('removes idempotency keys older than 24 hours and keeps the younger ones', async () => {
    const file = (key: string) => t.http.post('/api/v1/reports').set('Idempotency-Key', key).send(reportBody());
    await file('cleanup-old').expect(201);
    clock.advance(2 * HOUR_MS);
    await file('cleanup-young').expect(201);
    clock.advance(22 * HOUR_MS + 1);

    const personalData = new PiiRetention(t.db, clock, t.config, t.app.get(TicketStore), t.app.get(AttachmentStore));
    const job = new MaintenanceProcessor(new IdempotencyRetention(t.db, clock), personalData);
    expect(await job.cleanup()).toEqual({ idempotencyKeysRemoved: 1 });
    const keys = await t.db.query(`SELECT key FROM idempotency_keys WHERE key LIKE '%cleanup-%'`);
    expect(keys.map((k: { key: string }) => k.key.replace(/^.*cleanup-/, ''))).toEqual(['young']);
  });
});
