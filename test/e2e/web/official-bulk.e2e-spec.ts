import { Browser, Page } from 'playwright-core';
import { FakeClock, HOUR_MS } from '@phananh/core';
import { Role } from '@phananh/identity';
import { rejectionReason } from '@phananh/tickets';
import { Official, TestApp, createTestApp, newOfficial, newTicket } from '@test/support';
import { WebPage, axeViolations, expectText, launchBrowser, listen, openPage, screenshot, settles } from './browser';

// Run inside the page by page.evaluate (the project's TypeScript has no DOM library).
declare const document: { activeElement: { textContent: string | null; tagName: string } | null };

/**
 * The queue at campaign speed: the keyboard moves through the tickets, a range is selected with
 * a shift-click, and one bulk request resolves them with a unit's reply template; a ticket that
 * a colleague resolved meanwhile is answered on its own row, and the others are done.
 */
describe('web: an official resolves a range of tickets in bulk', () => {
  let t: TestApp;
  let browser: Browser;
  let web: WebPage;
  let page: Page;
  let officer: Official;
  let colleague: Official;
  const codes: string[] = [];
  const TEMPLATE_TEXT = 'Đã bổ sung mũi tiêm trên Nền tảng quản lý tiêm chủng.';

  beforeAll(async () => {
    const clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock, worker: false });
    const base = await listen(t);
    browser = await launchBrowser();
    officer = await newOfficial(t, { unitCode: '00001', username: 'canbo.hangloat' });
    colleague = await newOfficial(t, { unitCode: '00001' });
    const supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    // Six tickets due an hour apart: the queue shows them in this order.
    for (let i = 0; i < 6; i++) {
      const ticket = await newTicket(t, {
        unitCode: '00001',
        dueAt: new Date(clock.now().getTime() + (10 + i) * HOUR_MS),
        citizenName: `Người dân số ${i + 1}`,
      });
      codes.push(ticket.trackingCode);
    }
    await t.http
      .post('/api/v1/reply-templates')
      .set('Authorization', supervisor.bearer)
      .send({ kind: 'RESOLUTION', title: 'Đã bổ sung mũi tiêm', text: { vi: TEMPLATE_TEXT } })
      .expect(201);
    web = await openPage(browser, base);
    page = web.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const checked = () =>
    page
      .locator('#queue-body .row-select')
      .evaluateAll((boxes) => boxes.map((b) => (b as unknown as { checked: boolean }).checked));
  const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');

  it('signs in to the queue, with a checkbox on every row and the bulk action bar, axe-clean', async () => {
    await page.goto('/official/');
    await page.locator('#username').fill(officer.username);
    await page.locator('#password').fill(officer.password);
    await page.keyboard.press('Enter');
    await page.locator('#queue-body tr').nth(5).waitFor();
    expect(await checked()).toEqual([false, false, false, false, false, false]);
    await expectText(page.locator('#bulk-count'), 'Đã chọn 0 phản ánh');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('moves through the tickets with J and K, and selects one with X', async () => {
    await page.locator('#queue-title').click(); // focus on the page, not in a field
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await focusedText()).toBe(codes[1]);
    expect(await page.locator('#queue-body tr').nth(1).getAttribute('class')).toContain('is-current');
    await page.keyboard.press('x');
    expect(await checked()).toEqual([false, true, false, false, false, false]);
  });

  it('selects a range with a shift-click, and the whole page with the header checkbox', async () => {
    await page
      .locator('#queue-body .row-select')
      .nth(4)
      .click({ modifiers: ['Shift'] });
    expect(await checked()).toEqual([false, true, true, true, true, false]);
    await expectText(page.locator('#bulk-count'), 'Đã chọn 4 phản ánh');
    await page.locator('#select-all').check();
    expect(await checked()).toEqual([true, true, true, true, true, true]);
    await page.locator('#select-all').uncheck();
    expect(await checked()).toEqual([false, false, false, false, false, false]);
    // Again: the range 2..5 (row indexes 1..4).
    await page.locator('#queue-body .row-select').nth(1).click();
    await page
      .locator('#queue-body .row-select')
      .nth(4)
      .click({ modifiers: ['Shift'] });
    expect(await checked()).toEqual([false, true, true, true, true, false]);
    await screenshot(page, 'official-bulk-1-range-selected');
  });

  it('resolves the range with a reply template; the ticket a colleague resolved meanwhile says so on its own', async () => {
    // B goes to the bulk bar from the keyboard.
    await page.locator('#queue-title').click();
    await page.keyboard.press('b');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
    await page.selectOption('#bulk-action', 'resolve');
    await page.locator('#bulk-template option', { hasText: 'Đã bổ sung mũi tiêm' }).waitFor({ state: 'attached' });
    await page.selectOption('#bulk-template', { label: 'Đã bổ sung mũi tiêm' });
    expect(await page.locator('#bulk-resolution').inputValue()).toBe(TEMPLATE_TEXT);
    expect(await axeViolations(page)).toEqual([]);

    // Meanwhile a colleague resolves the third ticket (row index 2).
    await t.http
      .post(`/api/v1/tickets/${codes[2]}/resolve`)
      .set('Authorization', colleague.bearer)
      .send({ resolution: 'Đã sửa' })
      .expect(200);

    await page.locator('#bulk-apply').click();
    await expectText(page.locator('#bulk-summary'), 'Đã thực hiện cho 3 phản ánh; 1 phản ánh không thực hiện được.');
    const outcomes = await page
      .locator('#bulk-results li')
      .evaluateAll((lis) => lis.map((li) => (li as unknown as { dataset: { code: string; outcome: string } }).dataset));
    expect(outcomes).toEqual([
      { code: codes[1], outcome: 'ok' },
      { code: codes[2], outcome: 'TICKET_CHANGED' },
      { code: codes[3], outcome: 'ok' },
      { code: codes[4], outcome: 'ok' },
    ]);
    await expectText(page.locator('#bulk-results li').nth(1), 'Phản ánh vừa được người khác cập nhật');
    await expectText(page.locator('#bulk-results li').nth(0), 'xong, nay là “Đã duyệt”');
    // On the rows: the new statuses, the problem on its row, which stays selected to act on again.
    await expectText(page.locator('#queue-body tr').nth(1), 'Đã duyệt');
    expect(await page.locator('#queue-body tr').nth(2).getAttribute('class')).toContain('is-failed');
    await settles(checked, [false, false, true, false, false, false]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-bulk-2-outcomes');

    const rows = await t.db.query(
      `SELECT tracking_code AS code, status, resolution FROM tickets WHERE tracking_code = ANY ($1) ORDER BY due_at`,
      [codes],
    );
    expect(rows.map((r: { status: string }) => r.status)).toEqual([
      'ASSIGNED',
      'RESOLVED',
      'RESOLVED',
      'RESOLVED',
      'RESOLVED',
      'ASSIGNED',
    ]);
    expect(rows.map((r: { resolution: string | null }) => r.resolution)).toEqual([
      null,
      TEMPLATE_TEXT,
      'Đã sửa',
      TEMPLATE_TEXT,
      TEMPLATE_TEXT,
      null,
    ]);
    const [event] = await t.db.query(
      `SELECT e.action, e.actor_username AS actor, e.note FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
       WHERE t.tracking_code = $1 ORDER BY e.id DESC LIMIT 1`,
      [codes[3]],
    );
    expect(event).toEqual({ action: 'RESOLVED', actor: officer.username, note: TEMPLATE_TEXT });
  });

  it('opens the current ticket with O; rejecting offers the reason’s default note', async () => {
    await page.locator('#queue-title').click();
    // The keyboard is still on the second row (after the bulk action): K goes back to the first, still open.
    await page.keyboard.press('k');
    await page.keyboard.press('o');
    await page.waitForURL(/ticket\.html\?code=/);
    expect(page.url()).toContain(encodeURIComponent(codes[0]));
    await page.locator('#action-reject summary').click();
    const form = page.locator('#action-reject form');
    await form.locator('select[name=reasonCode]').selectOption('PHOTO_UNREADABLE');
    expect(await form.locator('textarea[name=note]').inputValue()).toBe(
      rejectionReason('PHOTO_UNREADABLE')!.defaultNote!.vi,
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'official-bulk-3-reject-default-note');
    expect(web.problems).toEqual([]);
  });
});
