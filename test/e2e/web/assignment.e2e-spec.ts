import { Browser, Page } from 'playwright-core';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { Official, TestApp, createTestApp, newOfficial, totpCode } from '@test/support';
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

/**
 * Personal assignment in the browser: an officer takes a report on its page and finds it under
 * "mine" in the queue; a supervisor gives it to a colleague from the list of the unit's officials.
 */
describe('web: personal assignment', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const pages: WebPage[] = [];
  let officer: Official;
  let colleague: Official;
  let supervisor: Official;
  const codes: string[] = [];

  beforeAll(async () => {
    const clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock, worker: false });
    base = await listen(t);
    browser = await launchBrowser();
    officer = await newOfficial(t, { unitCode: '00001', username: 'canbo.nhan', fullName: 'Nguyễn Thị Hoa' });
    colleague = await newOfficial(t, { unitCode: '00001', username: 'canbo.dongnghiep', fullName: 'Trần Văn Nam' });
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001', username: 'giamsat.badinh' });
    codes.push(await fileReport(t, { issueType: 'MISSING_DOSE', name: 'Nguyễn Văn An' }));
    codes.push(await fileReport(t, { issueType: 'WRONG_DOSE_INFO', name: 'Trần Thị Bình' }));
  });
  afterAll(async () => {
    for (const p of pages) expect(p.problems).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const signIn = async (who: Official, path: string): Promise<Page> => {
    const web = await openPage(browser, base);
    pages.push(web);
    await web.page.goto(path);
    await web.page.locator('#username').fill(who.username);
    await web.page.locator('#password').fill(who.password);
    await web.page.keyboard.press('Enter');
    if (who.totpSecret) {
      // A supervisor has a second factor (REQUIRE_2FA_ROLES): the code of a later step than any used.
      await web.page.locator('#code').waitFor();
      (t.clock as FakeClock).advance(60_000);
      await web.page.locator('#code').fill(totpCode(t, who.totpSecret));
      await web.page.keyboard.press('Enter');
    }
    return web.page;
  };
  const rowCodes = (page: Page) =>
    page
      .locator('#queue-body tr')
      .evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { code: string } }).dataset.code));

  it('lets an officer take a report from its page, then shows it under "mine" in the queue', async () => {
    const page = await signIn(officer, `/official/ticket.html?code=${codes[1]}`);
    await expectText(page.locator('#assignee'), 'Chưa giao');
    await page.locator('#assign-claim').click();
    await expectText(page.locator('#assignee'), 'Nguyễn Thị Hoa (canbo.nhan)');
    await expectText(page.locator('.history'), 'Đổi cán bộ phụ trách');
    expect(await page.locator('#assign-claim').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'assignment-1-claimed');

    await page.goto('/official/');
    await settles(() => rowCodes(page), codes);
    await page.selectOption('#f-assignee', 'mine');
    await page.locator('#filters button[type=submit]').click();
    await page.waitForURL(/assignee=mine/);
    await settles(() => rowCodes(page), [codes[1]]);
    await expectText(page.locator('#queue-body tr').first(), 'Nguyễn Thị Hoa (canbo.nhan)');
    await page.selectOption('#f-assignee', 'unassigned');
    await page.locator('#filters button[type=submit]').click();
    await settles(() => rowCodes(page), [codes[0]]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'assignment-2-queue-unassigned');
  });

  it('lets a supervisor give the report to a colleague from the unit’s officials', async () => {
    const page = await signIn(supervisor, `/official/ticket.html?code=${codes[1]}`);
    await expectText(page.locator('#assignee'), 'canbo.nhan');
    await page.locator(`#assign-to option[value="${colleague.user.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#assign-to', colleague.user.id);
    await page.locator('#assign-submit').click();
    await expectText(page.locator('#assignee'), 'Trần Văn Nam (canbo.dongnghiep)');
    await expectText(page.locator('.history'), 'canbo.nhan → canbo.dongnghiep');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'assignment-3-reassigned');
  });
});
