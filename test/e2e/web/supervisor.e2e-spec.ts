import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { Browser, Page } from 'playwright-core';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { Official, TestApp, createTestApp, eventually, newOfficial, signIn, totpCode } from '@test/support';
import {
  WebPage,
  axeViolations,
  expectText,
  fileReport,
  launchBrowser,
  listen,
  openPage,
  screenshot,
  settles,
} from './browser';

interface AlertBody {
  id: string;
  kind: string;
  acknowledgedAt: string | null;
  ticket: { trackingCode: string } | null;
}

/** The supervisor's journey: the district's SLA figures and chart, the alerts inbox, the CSV export. */
describe('web: a district supervisor watches the deadlines', () => {
  let t: TestApp;
  let clock: FakeClock;
  let browser: Browser;
  let web: WebPage;
  let page: Page;
  let supervisor: Official;
  let bearer: string;
  let summary: { total: Record<string, number | boolean | null>; rows: { unit: { name: string }; received: number }[] };
  let alerts: AlertBody[];
  const late: string[] = [];

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock });
    const base = await listen(t);
    browser = await launchBrowser();
    // Alerts go to whoever holds the role when the deadline passes: the supervisor exists from the start.
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001', username: 'giamsat.badinh' });
    // Each ward's station has an officer, so reports are routed to the wards.
    await newOfficial(t, { unitCode: '00001' });
    await newOfficial(t, { unitCode: '00004' });
    // Two reports at Phúc Xá on the first morning; nobody acts on them, so they go overdue on 5 Nov at 08:00.
    late.push(await fileReport(t, { issueType: 'MISSING_DOSE', name: 'Nguyễn Văn An' }));
    late.push(await fileReport(t, { issueType: 'WRONG_DOSE_INFO', name: 'Trần Thị Bình' }));
    // Trúc Bạch gets three the next day and resolves one at once.
    clock.set('2021-11-04T14:00:00+07:00');
    const done = await fileReport(t, { issueType: 'MISSING_DOSE', name: 'Lê Văn Cường', wardCode: '00004' });
    await fileReport(t, { issueType: 'MISSING_DOSE', name: 'Phạm Thị Dung', wardCode: '00004' });
    await fileReport(t, { issueType: 'WRONG_PERSONAL_INFO', name: 'Hoàng Văn Em', wardCode: '00004' });
    await fileReport(t, { issueType: 'MISSING_DOSE', name: 'Vũ Thị Phương' });
    const trucBach = await newOfficial(t, { unitCode: '00004' });
    await t.http.post(`/api/v1/tickets/${done}/start`).set('Authorization', trucBach.bearer).expect(200);
    await t.http
      .post(`/api/v1/tickets/${done}/resolve`)
      .set('Authorization', trucBach.bearer)
      .send({ resolution: 'Đã bổ sung mũi 2' })
      .expect(200);
    // Past the first two deadlines: the SLA sweep raises OVERDUE for the supervisors of the ward and the district.
    clock.set('2021-11-05T09:30:00+07:00');
    // Tokens expire on the service's clock: sign in again at the new "now".
    // A supervisor has a second factor (REQUIRE_2FA_ROLES): password, then a code from its key.
    const login = await signIn(t, supervisor);
    expect(login.status).toBe(200);
    bearer = `Bearer ${login.body.accessToken}`;
    alerts = await eventually(async () => {
      const res = await t.http.get('/api/v1/alerts?unacknowledged=true').set('Authorization', bearer);
      const items = res.body.items as AlertBody[];
      return items.filter((a) => a.kind === 'OVERDUE').length === 2 && items;
    });
    summary = (await t.http.get('/api/v1/sla/summary').set('Authorization', bearer).expect(200)).body;
    web = await openPage(browser, base);
    page = web.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in and shows the figures of the district, as the API computes them', async () => {
    await page.goto('/supervisor');
    await page.fill('#username', supervisor.username);
    await page.fill('#password', supervisor.password);
    await page.locator('#login button[type=submit]').click();
    // The code step: the API sign-in above used this step's code and the next's; the one after is fresh.
    await page.locator('#code').waitFor();
    clock.advance(60_000);
    await page.fill('#code', totpCode(t, supervisor.totpSecret!));
    await page.keyboard.press('Enter');
    const stats = page.locator('#stats .stat .value');
    await stats.first().waitFor();
    expect(summary.total.received).toBe(6);
    expect(summary.total.overdue).toBe(2);
    await settles(
      () => stats.allTextContents(),
      [
        String(summary.total.received),
        String(summary.total.open),
        String(summary.total.overdue),
        '100%',
        String(summary.rows.filter((r) => (r as unknown as { atRisk: boolean }).atRisk).length),
      ],
    );
    await expectText(page.locator('#dash-lead'), 'Trung tâm Y tế Quận Ba Đình');
  });

  it('draws the chart of the units below, and the table with the same numbers', async () => {
    // One bar per unit with reports: Phúc Xá (3 open, 2 of them overdue) and Trúc Bạch (1 resolved, 2 open).
    expect(await page.locator('#chart svg g').count()).toBe(2);
    expect(await page.locator('#chart svg rect').count()).toBe(4);
    const phucXa = page.locator('#units-table tr', { hasText: 'Phường Phúc Xá' });
    expect((await phucXa.locator('td.num').allTextContents()).slice(0, 3)).toEqual(['3', '3', '2']);
    expect(await page.locator('#units-table tbody tr').count()).toBe(summary.rows.length);
  });

  it('lists the unacknowledged alerts, and acknowledges one', async () => {
    const items = page.locator('#alerts li[data-alert]');
    await settles(() => items.count(), alerts.length);
    for (const code of late) await expectText(page.locator('#alerts'), code);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'supervisor-1-dashboard');

    const first = alerts[0];
    await page.locator(`#alerts li[data-alert="${first.id}"] button`).click();
    await settles(() => items.count(), alerts.length - 1);
    const after = await t.http.get('/api/v1/alerts').set('Authorization', bearer).expect(200);
    const acked = (after.body.items as AlertBody[]).find((a) => a.id === first.id);
    expect(acked?.acknowledgedAt).toEqual(expect.any(String));
    await page.locator('#alerts-all').check();
    await expectText(page.locator(`#alerts li[data-alert="${first.id}"]`), 'Đã xác nhận lúc');
  });

  it('exports the figures as CSV, the same file the API gives', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    expect(download.suggestedFilename()).toBe('sla-001-2021-11-05.csv');
    const file = readFileSync((await download.path())!, 'utf8');
    const direct = await t.http
      .get('/api/v1/sla/summary.csv')
      .set('Authorization', bearer)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(file.charCodeAt(0)).toBe(0xfeff);
    expect(file).toBe(direct.body);
    expect(file).toContain('Phúc Xá');
    await screenshot(page, 'supervisor-2-acknowledged');
    expect(web.problems).toEqual([]);
  });

  it('draws the road to the cutoff with chart.js (served by the app), with text and tables beside it', async () => {
    await expectText(page.locator('#burn-summary'), 'Còn 5 phản ánh mở.');
    await expectText(page.locator('#road-lead'), 'hạn chót');
    // chart.js came from the app itself (the CSP allows no other origin) and drew three lines and one bar series.
    const drawn = await page.evaluate(() => {
      const Chart = (globalThis as unknown as { Chart: { getChart(id: string): { data: { datasets: unknown[] } } } })
        .Chart;
      return [Chart.getChart('burn-chart').data.datasets.length, Chart.getChart('ontime-chart').data.datasets.length];
    });
    expect(drawn).toEqual([3, 1]);
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(loaded).toContainEqual(expect.stringMatching(/\/assets\/vendor\/chartjs\/chart\.umd\.min\.js$/));
    expect(loaded.filter((u) => new URL(u).origin !== new URL(page.url()).origin)).toEqual([]);
    // The figures behind the pictures, for screen readers and for anyone: both wards closed nothing in 6 hours.
    await expectText(page.locator('#risk-table'), 'Phường Phúc Xá');
    await expectText(page.locator('#risk-table'), 'Phường Trúc Bạch');
    await page.locator('#road details summary').first().click();
    expect(await page.locator('#burn-table tbody tr').count()).toBeGreaterThan(2);
    await expectText(page.locator('#ontime-table'), '2021-11-04');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#road').scrollIntoViewIfNeeded();
    await screenshot(page, 'supervisor-3-road');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-export="tickets.xlsx"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('tickets-don-vi-2021-11-05.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await download.path())!);
    const sheet = book.getWorksheet('Phản ánh')!;
    expect(sheet.rowCount).toBe(1 + 5);
    expect(JSON.stringify(sheet.getSheetValues())).not.toMatch(/09\d{8}|\+84/);
    expect(web.problems).toEqual([]);
  });
});
