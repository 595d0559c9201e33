import { INestApplicationContext } from '@nestjs/common';
import { FakeClock, HOUR_MS, SystemClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { MorningDigestService, digestIntervalMs } from '@phananh/sla';
import { TicketStatus } from '@phananh/ticket-store';
import { TestApp, createTestApp, createTestWorker, newOfficial, newTicket } from '@test/support';
import { startSmtp } from './receivers';

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

describe('digestIntervalMs', () => {
  it('runs every minute on the real clock, at least every 15 simulated minutes when accelerated', () => {
    expect(digestIntervalMs(1)).toBe(60_000);
    expect(digestIntervalMs(3600)).toBe(250);
    expect(digestIntervalMs(1_000_000)).toBe(100);
  });
});

/** The digest's content on a hand-checked set, and the 07:00 rule, on a FakeClock. */
describe('the morning digest: content and the 07:00 rule', () => {
  let t: TestApp;
  let smtp: Smtp;
  let digest: MorningDigestService;
  const clock = new FakeClock('2021-11-05T06:59:00+07:00');

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ clock, worker: false, env: { SMTP_URL: smtp.url } });
    digest = t.app.get(MorningDigestService);
    await newOfficial(t, { role: Role.Supervisor, unitCode: '001', email: 'ba-dinh@example.vn', username: 'dg-1' });
    await newOfficial(t, { role: Role.Supervisor, unitCode: '00004', username: 'dg-no-mail' });
    await newOfficial(t, { role: Role.Officer, unitCode: '001', email: 'officer@example.vn', username: 'dg-off' });
    const gone = await newOfficial(t, {
      role: Role.Supervisor,
      unitCode: '001',
      email: 'gone@example.vn',
      username: 'dg-gone',
    });
    await t.db.query(`UPDATE users SET disabled_at = $2 WHERE id = $1`, [gone.user.id, clock.now()]);
    const at = (local: string) => new Date(`${local}+07:00`);
    // District 001 at 07:00 on 5 Nov: 4 open, 2 due that day, 2 overdue.
    await newTicket(t, { unitCode: '00001', receivedAt: at('2021-11-03T10:00') }); // due 05 10:00: due today
    await newTicket(t, { unitCode: '00001', receivedAt: at('2021-11-03T05:00') }); // due 05 05:00: overdue, due today
    await newTicket(t, { unitCode: '00004', receivedAt: at('2021-11-02T12:00'), campaignCode: null }); // overdue 04
    await newTicket(t, { unitCode: '00004', receivedAt: at('2021-11-04T12:00') }); // due 06: neither
    await newTicket(t, {
      unitCode: '00001',
      receivedAt: at('2021-11-04T12:00'),
      status: TicketStatus.Resolved,
      closedAt: at('2021-11-04T13:00'),
    });
    await newTicket(t, { unitCode: '26740', receivedAt: at('2021-11-03T10:00') }); // another province
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('sends nothing before 07:00 on the service clock', async () => {
    expect(await digest.run()).toBe('skipped');
    expect(smtp.mails).toHaveLength(0);
  });

  it('at 07:00 sends one e-mail per active supervisor with an address, once however many runs at once', async () => {
    clock.set(new Date('2021-11-05T07:00:00+07:00'));
    const outcomes = await Promise.all([digest.run(), digest.run(), digest.run()]);
    expect(outcomes.filter((o) => o !== 'skipped')).toEqual([{ sent: 1, failed: 0 }]);
    expect(await digest.run()).toBe('skipped');
    expect(smtp.mails.map((m) => m.to)).toEqual([['ba-dinh@example.vn']]);
    const mail = { ...smtp.mails[0], text: smtp.mails[0].text.replace(/\r\n/g, '\n') };
    expect(mail.subject).toBe(
      '[Phản ánh tiêm chủng] Tình hình sáng 05/11/2021 — Trung tâm Y tế Quận Ba Đình / Morning digest',
    );
    expect(mail.text).toContain('Đang mở: 4\nĐến hạn hôm nay: 2\nQuá hạn: 2');
    expect(mail.text).toContain('Open: 4\nDue today: 2\nOverdue: 2');
    // No closure in the last 6 hours and open tickets: both wards are at risk.
    expect(mail.text).toMatch(
      /Đơn vị có nguy cơ không kịp hạn chót:\n- Trạm Y tế Phường Phúc Xá \(00001\): 2 đang mở\n/,
    );
    expect(mail.text).toContain('(00004): 2 open');
    expect(mail.text).not.toMatch(/\d{9,}/);
  });

  it('sends the next one on the next local day', async () => {
    clock.set(new Date('2021-11-06T06:00:00+07:00'));
    expect(await digest.run()).toBe('skipped');
    clock.set(new Date('2021-11-06T07:30:00+07:00'));
    expect(await digest.run()).toEqual({ sent: 1, failed: 0 });
    expect(smtp.mails.map((m) => m.subject.slice(0, 52))).toEqual([
      expect.stringContaining('05/11/2021'),
      expect.stringContaining('06/11/2021'),
    ]);
  });
});

/**
 * Two workers on one simulated clock (two simulated hours per real second), one database, one
 * SMTP server: from 03:00 on 5 November to 09:00 on 7 November each supervisor gets exactly one
 * digest a day, each after 07:00 local.
 */
describe('the morning digest with two workers on the simulated clock', () => {
  const SPEED = 7200;
  const START = '2021-11-05T03:00:00+07:00';
  let t: TestApp;
  let smtp: Smtp;
  let clock: SystemClock;
  const workers: INestApplicationContext[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    smtp = await startSmtp();
    // The clock starts once both workers have had time to boot on a busy machine (checked below).
    const anchor = new Date(Date.now() + 15_000).toISOString();
    clock = new SystemClock({ start: START, speed: SPEED, anchor });
    t = await createTestApp({ clock, worker: false, env: { SMTP_URL: smtp.url } });
    for (const [unit, email] of [
      ['001', 'a@example.vn'],
      ['01', 'b@example.vn'],
      ['00004', 'c@example.vn'],
    ]) {
      // They only receive e-mail here: no factor (a TOTP step of 30 simulated seconds lasts 4 real
      // ms at this speed, so enrolling with a code would race the clock once it runs).
      await newOfficial(t, { role: Role.Supervisor, unitCode: unit, email, twoFactor: false });
    }
    await newTicket(t, { unitCode: '00001', receivedAt: new Date('2021-11-04T10:00:00+07:00') });
    for (let i = 0; i < 2; i++) workers.push(await createTestWorker(t, clock));
    // Otherwise the first day's digest could only come late, and the test would say nothing about 07:00.
    expect(clock.now().getTime()).toBeLessThan(new Date('2021-11-05T07:00:00+07:00').getTime());
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await w.close();
    await t?.close();
    await smtp?.close();
  });

  it('sends each supervisor one digest per day, never before 07:00', async () => {
    const end = new Date('2021-11-07T09:00:00+07:00');
    while (clock.now() < end) await sleep(250);
    await sleep(1000);
    const byRecipient = new Map<string, string[]>();
    // The SLA alerts of the open ticket go out too: only the digests count here.
    const digests = smtp.mails.filter((m) => m.subject.endsWith('/ Morning digest'));
    for (const m of digests) {
      for (const to of m.to)
        byRecipient.set(to, [...(byRecipient.get(to) ?? []), m.subject.match(/\d\d\/11\/2021/)![0]]);
    }
    // Before its anchor the clock runs too (backwards from START), so 4 November may have had its digest already.
    for (const to of ['a@example.vn', 'b@example.vn', 'c@example.vn']) {
      const days = byRecipient.get(to)!;
      expect(new Set(days).size).toBe(days.length);
      expect(days).toEqual(expect.arrayContaining(['05/11/2021', '06/11/2021', '07/11/2021']));
    }
    const rows: { day: string; sent_at: Date; attempts: number }[] = await t.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, sent_at, attempts FROM supervisor_digests ORDER BY day`,
    );
    expect(digests).toHaveLength(rows.length);
    for (const r of rows) {
      expect(r.attempts).toBe(1);
      expect(r.sent_at.getTime()).toBeGreaterThanOrEqual(new Date(`${r.day}T07:00:00+07:00`).getTime());
      // A run every 15 simulated minutes (125 ms real): within 3 simulated hours (1.5 s real, room for a loaded
      // machine) of 07:00 once the workers are up; a digest that waited for anything else would come days late.
      if (r.day >= '2021-11-05') {
        expect(r.sent_at.getTime()).toBeLessThan(new Date(`${r.day}T07:00:00+07:00`).getTime() + 3 * HOUR_MS);
      }
    }
  }, 120_000);
});
