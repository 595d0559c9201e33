import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { JobName, JobRegistry, QueueName, QueueService } from '@phananh/queue';
import { DAY_MS } from '@phananh/reports';
import { Official, TestApp, createTestApp, eventually, newOfficial } from '@test/support';
import { Citizen, newCitizen, reportBody } from '../public/report-bodies';

const CUTOFF = new Date('2021-11-13T00:00:00+07:00');
const RETENTION_DAYS = 180;
const CAMPAIGN_ERASURE = new Date(CUTOFF.getTime() + RETENTION_DAYS * DAY_MS); // 2022-05-12T00:00:00+07:00
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface Filed {
  code: string;
  citizen: Citizen;
  id: string;
  files: string[];
}

/**
 * The end of personal data (docs/api.md, "Personal data and its end"), played on the service
 * clock with the worker's own schedule: RETENTION_DAYS after the 2021 campaign's cutoff its
 * closed tickets lose identity number, phone, name, date of birth, free texts, history notes and
 * proof files, and the SLA figures do not move; outside a campaign the days count from closing;
 * an open ticket is kept until it is closed.
 */
describe('retention: personal data is erased RETENTION_DAYS after the cutoff, and the figures stay', () => {
  let t: TestApp;
  let clock: FakeClock;
  let dir: string;
  let officer: Official;
  let supervisor: Official;
  let admin: Official;
  const tickets: Record<'resolved' | 'rejected' | 'open' | 'outside', Filed> = {} as never;

  // Tokens expire on the service clock, which this test moves by months: a fresh one for each request.
  const bearer = (who: Official) => `Bearer ${t.app.get(AuthService).issue(who.user).accessToken}`;
  const as = (who: Official) => ({
    get: (path: string) => t.http.get(path).set('Authorization', bearer(who)),
    post: (path: string, body: object = {}) => t.http.post(path).set('Authorization', bearer(who)).send(body),
  });
  const act = (who: Official, code: string, action: string, body: object = {}) =>
    as(who).post(`/api/v1/tickets/${code}/${action}`, body);

  async function file(): Promise<Filed> {
    const citizen = newCitizen();
    const res = await t.http
      .post('/api/v1/reports')
      .field('report', JSON.stringify(reportBody(citizen, '00001')))
      .attach('attachments', PNG, { filename: 'giay-xac-nhan.png', contentType: 'image/png' })
      .expect(201);
    const [row] = await t.db.query(`SELECT id FROM tickets WHERE tracking_code = $1`, [res.body.trackingCode]);
    const keys = await t.db.query(`SELECT storage_key FROM attachments WHERE ticket_id = $1`, [row.id]);
    return {
      code: res.body.trackingCode,
      citizen,
      id: row.id,
      files: keys.map((k: { storage_key: string }) => k.storage_key),
    };
  }

  const erased = async (f: Filed): Promise<boolean> =>
    (await t.db.query(`SELECT pii_erased_at IS NOT NULL AS erased FROM tickets WHERE id = $1`, [f.id]))[0].erased;
  const onDisk = (f: Filed) => f.files.map((key) => existsSync(join(dir, key)));
  const filesPending = async (): Promise<number> =>
    (
      await t.db.query(
        `SELECT count(*)::int AS n FROM attachments WHERE erased_at IS NOT NULL AND storage_key IS NOT NULL`,
      )
    )[0].n;

  /** Scheduled runs of the job that finished: two more than now means one ran wholly on the clock as it is. */
  const finishedRuns = async (): Promise<number> =>
    (await t.app.get(QueueService).queue(QueueName.Maintenance).getJobs(['completed'], 0, -1)).filter(
      (j) => j.name === JobName.PiiRetention,
    ).length;
  async function twoScheduledRuns(): Promise<void> {
    const before = await finishedRuns();
    await eventually(async () => (await finishedRuns()) >= before + 2, 15_000);
  }

  const summaries = async () => ({
    country: (await as(admin).get('/api/v1/sla/summary').expect(200)).body,
    district: (await as(supervisor).get('/api/v1/sla/summary?unitCode=001&campaign=2021-11').expect(200)).body,
    csv: (await as(supervisor).get('/api/v1/sla/summary.csv?unitCode=001').expect(200)).text,
  });

  const retentionLines = () => t.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'personal data erased');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phananh-retention-e2e-'));
    clock = new FakeClock('2021-11-05T08:00:00+07:00');
    t = await createTestApp({
      clock,
      env: {
        ATTACHMENTS_DIR: dir,
        RETENTION_DAYS: String(RETENTION_DAYS),
        RETENTION_SWEEP_INTERVAL_MS: '100',
      },
    });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    admin = await newOfficial(t, { role: Role.Admin });

    // Three reports of the 2021 campaign, each with a photo of its paper.
    tickets.resolved = await file();
    tickets.rejected = await file();
    tickets.open = await file();
    clock.advance(2 * HOUR_MS);
    await act(officer, tickets.resolved.code, 'start').expect(200);
    await act(officer, tickets.resolved.code, 'comments', { text: 'Đã gọi cho chị Nhung, hẹn mang phiếu tiêm' });
    await act(officer, tickets.resolved.code, 'resolve', {
      resolution: 'Đã bổ sung mũi 2 cho Nguyễn Thị Hồng Nhung',
    }).expect(200);
    await act(officer, tickets.rejected.code, 'reject', {
      reasonCode: 'OTHER',
      note: 'Ảnh phiếu tiêm của người khác',
    }).expect(200);
    await act(officer, tickets.open.code, 'start').expect(200);
    await act(officer, tickets.open.code, 'comments', { text: 'Chờ Trung tâm Y tế quận xác nhận lô vắc xin' });

    // One outside any campaign (the 2021 intake closed on 11 Nov), closed on 21 Nov 2021.
    clock.set('2021-11-20T08:00:00+07:00');
    tickets.outside = await file();
    clock.set('2021-11-21T08:00:00+07:00');
    await act(officer, tickets.outside.code, 'resolve', { resolution: 'Đã cập nhật ngày tiêm' }).expect(200);
    const [{ campaigns }] = await t.db.query(
      `SELECT array_agg(campaign_code ORDER BY id) AS campaigns FROM tickets WHERE id = ANY ($1::bigint[])`,
      [Object.values(tickets).map((f) => f.id)],
    );
    expect(campaigns).toEqual(['2021-11', '2021-11', '2021-11', null]);
    for (const f of Object.values(tickets)) expect(onDisk(f)).toEqual([true]);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let before: Awaited<ReturnType<typeof summaries>>;

  it('erases nothing up to RETENTION_DAYS after the cutoff, to the millisecond', async () => {
    clock.set(new Date(CAMPAIGN_ERASURE.getTime() - 1));
    await twoScheduledRuns();
    for (const f of Object.values(tickets)) {
      expect(await erased(f)).toBe(false);
      expect(onDisk(f)).toEqual([true]);
    }
    const lookup = await t.http
      .post('/api/v1/reports/lookup')
      .send({ trackingCode: tickets.resolved.code, citizenId: tickets.resolved.citizen.citizenId })
      .expect(200);
    expect(lookup.body.resolution).toMatch(/Nguyễn Thị Hồng Nhung/);
    expect(retentionLines()).toEqual([]);
    before = await summaries();
    expect(before.district.total).toMatchObject({ received: 3, open: 1, resolvedOnTime: 1, rejected: 1 });
  });

  it('erases the closed tickets of the campaign at RETENTION_DAYS after its cutoff, files included, on schedule', async () => {
    clock.set(CAMPAIGN_ERASURE);
    const { resolved, rejected, open, outside } = tickets;
    await eventually(async () => (await erased(resolved)) && (await erased(rejected)) && (await filesPending()) === 0);
    expect(onDisk(resolved)).toEqual([false]);
    expect(onDisk(rejected)).toEqual([false]);
    // Still open: kept until it is closed. Outside a campaign: the days count from its closing.
    expect(await erased(open)).toBe(false);
    expect(onDisk(open)).toEqual([true]);
    expect(await erased(outside)).toBe(false);
    expect(onDisk(outside)).toEqual([true]);

    const rows = await t.db.query(
      `SELECT citizen_name, citizen_dob, citizen_id_enc, citizen_id_hash, citizen_id_masked, phone_enc, phone_masked,
              description, resolution, rejection_note, facility_name, lot_number,
              status, rejection_reason_code, received_at, due_at, closed_at, unit_code, campaign_code, dose_number,
              notice_version
       FROM tickets WHERE id = ANY ($1::bigint[]) ORDER BY id`,
      [[resolved.id, rejected.id]],
    );
    for (const row of rows) {
      expect(row).toMatchObject({
        citizen_name: null,
        citizen_dob: null,
        citizen_id_enc: null,
        citizen_id_hash: null,
        citizen_id_masked: null,
        phone_enc: null,
        phone_masked: null,
        description: null,
        resolution: null,
        rejection_note: null,
        facility_name: null,
        lot_number: null,
        unit_code: '00001',
        campaign_code: '2021-11',
        dose_number: 2,
      });
      expect(row.closed_at).toBeInstanceOf(Date);
    }
    expect(
      rows.map((r: { status: string; rejection_reason_code: string }) => [r.status, r.rejection_reason_code]),
    ).toEqual([
      ['RESOLVED', null],
      ['REJECTED', 'OTHER'],
    ]);
    // The sweeper flags the open ticket overdue on its own schedule, beside the retention job's.
    await eventually(
      async () =>
        (await t.db.query(`SELECT 1 FROM ticket_events WHERE ticket_id = $1 AND action = 'OVERDUE'`, [open.id]))
          .length > 0,
    );
    const history = await t.db.query(
      `SELECT ticket_id, array_agg(action ORDER BY id) AS actions, count(note)::int AS notes
       FROM ticket_events WHERE ticket_id = ANY ($1::bigint[]) GROUP BY ticket_id ORDER BY ticket_id`,
      [[resolved.id, rejected.id, open.id]],
    );
    expect(history).toEqual([
      { ticket_id: resolved.id, actions: ['FILED', 'ASSIGNED', 'STARTED', 'COMMENTED', 'RESOLVED'], notes: 0 },
      { ticket_id: rejected.id, actions: ['FILED', 'ASSIGNED', 'REJECTED'], notes: 0 },
      // Still open (and overdue by now): its comment is kept.
      { ticket_id: open.id, actions: expect.arrayContaining(['COMMENTED', 'OVERDUE']), notes: 1 },
    ]);
    const files = await t.db.query(
      `SELECT content_type, size, sha256, storage_key FROM attachments WHERE ticket_id = ANY ($1::bigint[])`,
      [[resolved.id, rejected.id]],
    );
    expect(files).toEqual([
      // The size of the file as stored (intake re-encodes images), kept as a count.
      { content_type: 'image/png', size: expect.any(Number), sha256: null, storage_key: null },
      { content_type: 'image/png', size: expect.any(Number), sha256: null, storage_key: null },
    ]);
  });

  it('leaves the SLA figures exactly as they were, CSV included', async () => {
    expect(await summaries()).toEqual(before);
  });

  it('shows officials an erased ticket with its personal fields null, in the view and the queue', async () => {
    const { resolved } = tickets;
    const view = (await as(officer).get(`/api/v1/tickets/${resolved.code}`).expect(200)).body;
    expect(view.citizen).toEqual({ fullName: null, dateOfBirth: null, citizenId: null, phone: null, wardCode: null });
    expect(view.description).toBeNull();
    expect(view.dose).toMatchObject({ doseNumber: 2, vaccineCode: 'COMIRNATY', facilityName: null, lotNumber: null });
    expect(view.personalDataErasedAt).toBe('2022-05-12T00:00:00.000+07:00');
    expect(view.attachments).toEqual([]);
    expect(view.history.map((h: { note: string | null }) => h.note)).toEqual([null, null, null, null, null]);
    // An erased ticket has no identity number to view: no IDENTITY_VIEWED entry.
    expect(view.history.map((h: { action: string }) => h.action)).not.toContain('IDENTITY_VIEWED');
    const queue = (await as(officer).get('/api/v1/tickets?status=RESOLVED').expect(200)).body;
    const item = queue.items.find((i: { trackingCode: string }) => i.trackingCode === resolved.code);
    expect(item.citizen).toMatchObject({ fullName: null, dateOfBirth: null, citizenId: null, phone: null });
    const [file] = await t.db.query(`SELECT id FROM attachments WHERE ticket_id = $1`, [resolved.id]);
    await as(officer).get(`/api/v1/tickets/${resolved.code}/attachments/${file.id}`).expect(404);
  });

  it('no longer matches the citizen’s lookup, exactly like an unknown code', async () => {
    const { resolved } = tickets;
    const res = await t.http
      .post('/api/v1/reports/lookup')
      .send({ trackingCode: resolved.code, citizenId: resolved.citizen.citizenId })
      .expect(404);
    expect(res.body.type).toBe('urn:phananh:problem:report-not-found');
  });

  it('refuses any further change to an erased ticket', async () => {
    const comment = await act(officer, tickets.resolved.code, 'comments', { text: 'ghi chú mới' }).expect(409);
    expect(comment.body.type).toBe('urn:phananh:problem:ticket-erased');
    await act(supervisor, tickets.rejected.code, 'reopen', { reason: 'Xem lại' }).expect(409);
  });

  it('erases nothing more when run again, and logged counts only', async () => {
    expect(await t.app.get(JobRegistry).run(JobName.PiiRetention, {})).toEqual({
      tickets: 0,
      files: 0,
      filesFailed: 0,
    });
    const lines = retentionLines();
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.reduce((n, l) => n + l.tickets, 0)).toBe(2);
    expect(lines.reduce((n, l) => n + l.files, 0)).toBe(2);
    for (const line of lines) {
      const { level: _l, time: _t, pid: _p, hostname: _h, context: _c, msg: _m, ...payload } = line;
      expect(Object.keys(payload).sort()).toEqual(['files', 'filesFailed', 'tickets']);
    }
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const f of Object.values(tickets)) {
      expect(text).not.toContain(f.code);
      expect(text).not.toContain(f.citizen.citizenId);
    }
  });

  it('erases an open ticket once it is closed, and a ticket outside campaigns RETENTION_DAYS after closing', async () => {
    const { open, outside } = tickets;
    await act(officer, open.code, 'resolve', { resolution: 'Đã xác nhận lô vắc xin' }).expect(200);
    await eventually(async () => (await erased(open)) && (await filesPending()) === 0);
    expect(onDisk(open)).toEqual([false]);

    const closedAt = new Date('2021-11-21T08:00:00+07:00').getTime();
    clock.set(new Date(closedAt + RETENTION_DAYS * DAY_MS - 1));
    await twoScheduledRuns();
    expect(await erased(outside)).toBe(false);
    expect(onDisk(outside)).toEqual([true]);
    clock.set(new Date(closedAt + RETENTION_DAYS * DAY_MS));
    await eventually(async () => (await erased(outside)) && (await filesPending()) === 0);
    expect(onDisk(outside)).toEqual([false]);
  });
});
