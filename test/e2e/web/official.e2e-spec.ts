import { Browser, Page } from 'playwright-core';
import { FakeClock } from '@phananh/core';
import { Official, TestApp, createTestApp, newOfficial, newTicket, randomCitizenId } from '@test/support';
import { REJECTION_REASONS } from '@phananh/tickets';
import {
  WebPage,
  axeViolations,
  certificatePhoto,
  expectText,
  fileReport,
  launchBrowser,
  listen,
  openPage,
  screenshot,
  settles,
} from './browser';

// Run inside the page by page.evaluate (the project's TypeScript has no DOM library).
declare const document: { activeElement: { id: string } | null };

/**
 * The official's journey: sign in, the queue by urgency, a ticket with its proof, start and resolve, a 409,
 * and two reports of one citizen compared side by side and merged.
 */
describe('web: an official works the queue', () => {
  let t: TestApp;
  let clock: FakeClock;
  let browser: Browser;
  let web: WebPage;
  let page: Page;
  let officer: Official;
  let colleague: Official;
  const codes: string[] = [];

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock, worker: false });
    const base = await listen(t);
    browser = await launchBrowser();
    officer = await newOfficial(t, { unitCode: '00001', username: 'canbo.phucxa' });
    const photo = await certificatePhoto(browser);
    // Three reports through the public API, hours apart, so that the queue has an order to show.
    codes.push(await fileReport(t, { issueType: 'MISSING_DOSE', name: 'Nguyễn Văn An', photo }));
    clock.advance(3 * 3600_000);
    codes.push(await fileReport(t, { issueType: 'WRONG_DOSE_INFO', name: 'Trần Thị Bình' }));
    clock.advance(2 * 3600_000);
    codes.push(await fileReport(t, { issueType: 'WRONG_PERSONAL_INFO', name: 'Lê Văn Cường' }));
    clock.set('2021-11-05T00:00:00+07:00');
    // Tokens expire on the service's clock: issue this one at the new "now".
    colleague = await newOfficial(t, { unitCode: '00001' });
    web = await openPage(browser, base);
    page = web.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rowCodes = () =>
    page
      .locator('#queue-body tr')
      .evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { code: string } }).dataset.code));

  it('signs in from the keyboard alone', async () => {
    await page.goto('/official/');
    await page.locator('#username').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
    await page.keyboard.type(officer.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#login-error'), 'Tên đăng nhập hoặc mật khẩu không đúng');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(officer.password);
    await page.keyboard.press('Enter');
    await page.locator('#queue-body tr').first().waitFor();
    await expectText(page.locator('#session'), officer.username);
  });

  it('shows the queue most urgent first, with a live countdown to each deadline', async () => {
    expect(await rowCodes()).toEqual(codes);
    const first = page.locator('#queue-body tr').first();
    // Filed 3 Nov 08:00, due 5 Nov 08:00; the service's clock says 5 Nov 00:00: eight hours left, due soon.
    await expectText(first.locator('.countdown'), 'còn 7 giờ 59 phút');
    expect(await first.getAttribute('class')).toBe('is-soon');
    await expectText(first, 'Thiếu mũi tiêm');
    await expectText(first, '08:00 05/11/2021');
    // The list masks the identity number; the name is there to recognise the person.
    await expectText(first, 'Nguyễn Văn An');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-1-queue');
  });

  it('filters by issue type, and marks overdue tickets', async () => {
    await page.selectOption('#f-issue', 'WRONG_DOSE_INFO');
    await page.locator('#filters button[type=submit]').click();
    await page.waitForURL(/issueType=WRONG_DOSE_INFO/);
    await settles(rowCodes, [codes[1]]);
    await page.selectOption('#f-issue', '');
    await page.locator('#filters button[type=submit]').click();
    await settles(rowCodes, codes);

    const late = await newTicket(t, {
      unitCode: '00001',
      receivedAt: new Date('2021-11-02T10:00:00+07:00'),
      dueAt: new Date('2021-11-04T10:00:00+07:00'),
      overdueSince: new Date('2021-11-04T10:00:00+07:00'),
      campaignCode: null,
      citizenName: 'Phạm Thị Dung',
    });
    await page.locator('#f-overdue').check();
    await page.locator('#filters button[type=submit]').click();
    await settles(rowCodes, [late.trackingCode]);
    const row = page.locator('#queue-body tr').first();
    await expectText(row.locator('.badge-overdue'), 'Quá hạn');
    await expectText(row.locator('.countdown'), 'quá hạn 14 giờ');
    await page.locator('#f-overdue').uncheck();
    await page.locator('#filters button[type=submit]').click();
    await settles(rowCodes, [late.trackingCode, ...codes]);
  });

  it('loads more with the cursor', async () => {
    for (let i = 0; i < 50; i++)
      await newTicket(t, { unitCode: '00001', receivedAt: new Date('2021-11-05T00:00:00+07:00') });
    await page.locator('#refresh').click();
    await settles(async () => (await rowCodes()).length, 50);
    await page.locator('#load-more').click();
    await settles(async () => (await rowCodes()).length, 54);
    expect(await page.locator('#load-more').isHidden()).toBe(true);
  });

  it('opens a ticket: the proof photo fetched with the token, the citizen, the history', async () => {
    await page.locator(`a.code-link`, { hasText: codes[0] }).click();
    await page.waitForURL(/ticket\.html\?code=/);
    await page.locator('#ticket-title').waitFor();
    await expectText(page.locator('#ticket-title'), codes[0]);
    const img = page.locator('#proofs img');
    await img.waitFor();
    await settles(
      async () => (await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 100,
      true,
    );
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await expectText(page.locator('#sec-citizen').locator('..'), '001090');
    await expectText(page.locator('#sec-history').locator('..'), 'Đã tiếp nhận phản ánh');
    const reasons = page.locator('#action-reject select[name=reasonCode] option');
    expect(await reasons.count()).toBe(REJECTION_REASONS.length + 1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-2-ticket');
  });

  it('starts it, then resolves it from the keyboard', async () => {
    await page.locator('#action-start').click();
    await expectText(page.locator('#ticket-message'), 'Đã bắt đầu xử lý phản ánh');
    await expectText(page.locator('.status-head .badge').first(), 'Đang xử lý');
    await page.locator('#action-resolve summary').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // the reply-template picker (none kept here: write one's own)
    await page.keyboard.press('Tab');
    await page.keyboard.type('Đã bổ sung mũi 2 trên Nền tảng quản lý tiêm chủng');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#ticket-message'), 'Đã duyệt phản ánh');
    await expectText(page.locator('.status-head .badge').first(), 'Đã duyệt');
    await expectText(page.locator('#sec-history').locator('..'), 'Đã bổ sung mũi 2');
    const api = await t.http.get(`/api/v1/tickets/${codes[0]}`).set('Authorization', colleague.bearer).expect(200);
    expect(api.body.status).toBe('RESOLVED');
    expect(api.body.history.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['STARTED', 'RESOLVED']),
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-3-resolved');
  });

  it('says so, and shows the new state, when someone else acted first (409)', async () => {
    await page.goto(`/official/ticket.html?code=${codes[1]}`);
    await page.locator('#action-start').waitFor();
    await t.http.post(`/api/v1/tickets/${codes[1]}/start`).set('Authorization', colleague.bearer).expect(200);
    await page.locator('#action-start').click();
    await expectText(page.locator('#ticket-message'), 'Phản ánh vừa được người khác cập nhật');
    await expectText(page.locator('.status-head .badge').first(), 'Đang xử lý');
    await expectText(page.locator('#sec-history').locator('..'), colleague.username);
    expect(await page.locator('#action-start').count()).toBe(0);
    expect(web.problems).toEqual([]);
  });

  it('compares two reports of one citizen side by side and merges one into the other, after a confirmation', async () => {
    // The same citizen, issue and dose from two phones: the second filing is a report of its own, linked to the first.
    const citizenId = randomCitizenId();
    const name = 'Hoàng Thị Em';
    const kept = await fileReport(t, { issueType: 'MISSING_DOSE', name, citizenId, phone: '0912345678' });
    const photo = await certificatePhoto(browser);
    const other = await fileReport(t, { issueType: 'MISSING_DOSE', name, citizenId, phone: '0987654321', photo });
    await page.goto(`/official/ticket.html?code=${kept}`);
    const table = page.locator('#duplicates table');
    await table.waitFor();
    await expectText(table.locator('thead'), other);
    await expectText(table.locator('tr[data-fact="samePhone"]'), 'Không');
    await expectText(table.locator('tr[data-fact="photos"]'), '1');
    // Nothing stray between the page's sections (a section the ticket does not need is left out, not printed).
    const strayText = await page
      .locator('#ticket')
      .evaluate((el) =>
        [...(el as unknown as { childNodes: { nodeType: number; textContent: string }[] }).childNodes]
          .filter((n) => n.nodeType === 3)
          .map((n) => n.textContent),
      );
    expect(strayText).toEqual([]);
    // The other report's numbers are masked; its phone is never shown whole.
    expect(await page.locator('#duplicates').textContent()).not.toContain('987654321');
    expect(await axeViolations(page)).toEqual([]);

    // Changing one's mind: Cancel closes the confirmation, the focus goes back, nothing is merged.
    await page.locator(`button[data-merge-from="${kept}"]`).click();
    await expectText(page.locator('#merge-confirm'), `Gộp phản ánh ${kept} vào phản ánh ${other}?`);
    await page.locator('#merge-confirm button', { hasText: 'Huỷ' }).click();
    expect(await page.locator('#merge-confirm').isHidden()).toBe(true);
    expect(
      await page.evaluate(
        () => (document.activeElement as unknown as { dataset: { mergeFrom: string } }).dataset.mergeFrom,
      ),
    ).toBe(kept);

    await page.locator(`button[data-merge-from="${other}"]`).click();
    await expectText(page.locator('#merge-confirm'), `Gộp phản ánh ${other} vào phản ánh ${kept}?`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('merge-confirm-title');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-4-duplicates');
    await page.fill('#merge-note', 'Cùng mũi 2, gửi từ hai số điện thoại');
    await page.locator('#merge-confirm-button').click();
    await expectText(page.locator('#ticket-message'), `Đã gộp phản ánh ${other} vào phản ánh này`);
    await expectText(table.locator('tr[data-fact="status"]'), 'Đã gộp');
    expect(await page.locator('button[data-merge-from]').count()).toBe(0);
    await expectText(page.locator('#sec-history').locator('..'), 'Gộp phản ánh khác vào đây');
    // The merged report's photo is shown on the kept one, fetched with the token, saying where it came from.
    await expectText(page.locator('#proofs figcaption'), `từ phản ánh ${other}`);
    await page.locator('#proofs img').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-5-merged');
    const api = await t.http.get(`/api/v1/tickets/${other}`).set('Authorization', colleague.bearer).expect(200);
    expect(api.body).toMatchObject({ status: 'MERGED', mergedInto: kept });

    // The merged report's page says where it went, and offers no merge any more.
    await table.locator('thead a', { hasText: other }).click();
    await page.waitForURL(new RegExp(`code=${other}`));
    await expectText(page.locator('#merged-into'), `đã được gộp vào phản ánh ${kept}`);
    await expectText(page.locator('.status-head .badge').first(), 'Đã gộp');
    await expectText(page.locator('#sec-history').locator('..'), 'Đã gộp vào phản ánh khác');
    expect(await page.locator('button[data-merge-from]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    // The queue's status filter knows the new statuses.
    await page.goto('/official/?status=MERGED');
    await page.locator('#queue-body tr').first().waitFor();
    expect(await rowCodes()).toEqual([other]);
    expect(await page.locator('#f-status option[value="WITHDRAWN"]').textContent()).toBe('Đã rút lại');
    expect(web.problems).toEqual([]);
  });
});
