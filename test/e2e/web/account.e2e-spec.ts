import { Browser, Page } from 'playwright-core';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { Official, TestApp, createTestApp, newOfficial, totpCode } from '@test/support';
import { WebPage, axeViolations, expectText, launchBrowser, listen, openPage, screenshot } from './browser';

// What the page's own scripts see (page.evaluate runs there).
declare const window: { open(url: string): unknown };
declare const sessionStorage: { getItem(key: string): string | null };

/**
 * A supervisor's first sign-in (issue 14): the forced password change, the enrolment of the second
 * factor (QR code, key, first code, recovery codes), then a later sign-in with a code, the account
 * page, and the silent renewal of the access token.
 */
describe('web: first sign-in, second factor and the account page', () => {
  let t: TestApp;
  let clock: FakeClock;
  let browser: Browser;
  let web: WebPage;
  let page: Page;
  let supervisor: Official;
  let secret = '';
  const NEW_PASSWORD = 'mat-khau-moi-cua-giam-sat';

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock, worker: false });
    const base = await listen(t);
    browser = await launchBrowser();
    supervisor = await newOfficial(t, {
      role: Role.Supervisor,
      unitCode: '001',
      username: 'giamsat.badinh',
      twoFactor: false,
      passwordChangeRequired: true,
    });
    web = await openPage(browser, base);
    page = web.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('forces the password change at the first sign-in, with the policy explained', async () => {
    await page.goto('/official/account');
    await page.fill('#username', supervisor.username);
    await page.fill('#password', supervisor.password);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#new-password').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-1-forced-change');
    await page.fill('#current-password', supervisor.password);
    await page.fill('#new-password', 'giamsat.badinh-2021');
    await page.fill('#new-password-again', 'giamsat.badinh-2021');
    await page.locator('#login button[type=submit]').click();
    await expectText(page.locator('#login [role=alert]'), 'Mật khẩu không được chứa tên đăng nhập');
    await page.fill('#current-password', supervisor.password);
    await page.fill('#new-password', NEW_PASSWORD);
    await page.fill('#new-password-again', NEW_PASSWORD);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#enrol-qr').waitFor();
  });

  it('enrols the second factor with the key shown, and shows the recovery codes once', async () => {
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-2-enrolment');
    secret = ((await page.locator('#enrol-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.locator('#enrol-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.fill('#enrol-code', totpCode(t, secret));
    await page.keyboard.press('Enter');
    await page.locator('#recovery-codes li').first().waitFor();
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-3-recovery-codes');
    await page.locator('#recovery-done').click();
    await page.locator('#account-app').waitFor();
    await expectText(page.locator('#factor-state'), 'Đã bật. Còn 10 mã khôi phục');
    await expectText(page.locator('#sessions tbody'), 'Phiên này');
  });

  it('signs in later with the password and a code from the app', async () => {
    await page.locator('#session button').click();
    await page.locator('#username').waitFor();
    await page.fill('#username', supervisor.username);
    await page.fill('#password', NEW_PASSWORD);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#code').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-4-code-step');
    // The code of enrolment (this 30-second step) was used: a replay is refused on the page too.
    await page.fill('#code', totpCode(t, secret));
    await page.keyboard.press('Enter');
    await expectText(page.locator('#login [role=alert]'), 'Mã xác thực không đúng');
    clock.advance(30_000);
    await page.fill('#code', totpCode(t, secret));
    await page.keyboard.press('Enter');
    await page.locator('#account-app').waitFor();
    await expectText(page.locator('#session'), supervisor.username);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-5-account-page');
  });

  it('renews the access token silently when it has expired, without the password', async () => {
    clock.advance(20 * 60_000);
    await page.reload();
    await page.locator('#account-app').waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
    await page.goto('/supervisor');
    await page.locator('#stats .stat .value').first().waitFor();
    expect(web.problems).toEqual([]);
  });

  it('asks a duplicated tab to sign in on its own, so that its renewals never end the first tab’s session', async () => {
    // A tab opened by this one starts with a copy of its sessionStorage, as a duplicated tab does.
    const [copy] = await Promise.all([
      page.waitForEvent('popup'),
      page.evaluate(() => {
        window.open('/supervisor');
      }),
    ]);
    await copy.locator('#username').waitFor();
    expect(await copy.evaluate(() => sessionStorage.getItem('phananh.refresh'))).toBeNull();
    await copy.close();
    // The first tab's session lives on: renewed after its access token expired, and again after a reload.
    clock.advance(20 * 60_000);
    await page.reload();
    await page.locator('#stats .stat .value').first().waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
    clock.advance(20 * 60_000);
    await page.reload();
    await page.locator('#stats .stat .value').first().waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
    expect(web.problems).toEqual([]);
  });
});
