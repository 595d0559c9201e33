import { readFileSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { Role } from '@phananh/identity';
import { FakeClock } from '@phananh/core';
import { Official, TestApp, createTestApp, newOfficial, totpCode } from '@test/support';
import { WebPage, axeViolations, expectText, launchBrowser, listen, openPage, screenshot, settles } from './browser';

const HEADER = 'tên đăng nhập,họ và tên,vai trò,mã đơn vị,e-mail';

/**
 * The admin console's journey, as the provincial admin of Hà Nội: its officials only (not those of
 * Hồ Chí Minh), create one and hand out the temporary password, change and disable by keyboard, import
 * a file (the dry run names the bad row, then the import downloads the passwords), a webhook and a dead
 * delivery retried, the audit log of all of it.
 */
describe('web: a provincial admin runs its province', () => {
  let t: TestApp;
  let browser: Browser;
  let web: WebPage;
  let page: Page;
  let admin: Official;
  let hanoiOfficer: Official;
  let hcmOfficer: Official;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    const base = await listen(t);
    browser = await launchBrowser();
    admin = await newOfficial(t, { role: Role.Admin, unitCode: '01', username: 'quantri.hanoi' });
    hanoiOfficer = await newOfficial(t, { unitCode: '00001', username: 'canbo.phucxa', fullName: 'Nguyễn Thị Lan' });
    hcmOfficer = await newOfficial(t, { unitCode: '26734', username: 'canbo.tandinh', fullName: 'Trần Văn Bảo' });
    web = await openPage(browser, base);
    page = web.page;
    // Disabling and resetting ask for confirmation.
    page.on('dialog', (dialog) => void dialog.accept());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const api = (path: string) => t.http.get(path).set('Authorization', admin.bearer).expect(200);
  const row = (username: string) => page.locator(`#users-table tr[data-user="${username}"]`);

  it("signs in and lists its province's officials only, axe-clean", async () => {
    await page.goto('/admin');
    await page.fill('#username', admin.username);
    await page.fill('#password', admin.password);
    await page.locator('#login button[type=submit]').click();
    // An admin has a second factor (REQUIRE_2FA_ROLES): the code of a step after the enrolment's.
    await page.locator('#code').waitFor();
    (t.clock as FakeClock).advance(60_000);
    await page.fill('#code', totpCode(t, admin.totpSecret!));
    await page.keyboard.press('Enter');
    await expectText(page.locator('#users-table'), hanoiOfficer.username);
    expect(await page.locator('#users-table').textContent()).not.toContain(hcmOfficer.username);
    await expectText(page.locator('#adm-reach'), 'đơn vị 01');
    // Campaigns are the whole country's: a provincial admin sees them but has no form to create one.
    expect(await page.locator('#k-create').isHidden()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-1-officials');
  });

  it('creates an official and shows the temporary password once, which signs in', async () => {
    await page.fill('#c-username', 'canbo.trucbach');
    await page.fill('#c-name', 'Lê Văn Minh');
    await page.selectOption('#c-role', 'OFFICER');
    await page.fill('#c-unit', '00004');
    await page.fill('#c-email', 'minh@tyt-trucbach.vn');
    await page.locator('#u-create button[type=submit]').click();
    const shown = page.locator('#temporary-password');
    await shown.waitFor();
    const password = (await shown.textContent())!.trim();
    expect(password).toMatch(/^([a-z2-9]{5}-){3}[a-z2-9]{5}$/);
    await t.http.post('/api/v1/auth/login').send({ username: 'canbo.trucbach', password }).expect(200);
    await expectText(page.locator('#users-table'), 'canbo.trucbach');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-2-created');

    // Reset from its row: a new temporary password is shown once; the old one no longer signs in.
    await row('canbo.trucbach').getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    // (A locator, not waitForFunction: the page's CSP rightly refuses evaluating a string.)
    await shown.filter({ hasNotText: password }).waitFor();
    const reset = (await shown.textContent())!.trim();
    expect(reset).toMatch(/^([a-z2-9]{5}-){3}[a-z2-9]{5}$/);
    await t.http.post('/api/v1/auth/login').send({ username: 'canbo.trucbach', password }).expect(401);
    await t.http.post('/api/v1/auth/login').send({ username: 'canbo.trucbach', password: reset }).expect(200);
  });

  it('changes the unit, then disables, with the keyboard only', async () => {
    await row('canbo.trucbach').getByRole('button', { name: 'Sửa' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction("document.activeElement?.id === 'e-role'");
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('00006');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#user-result'), 'Đã lưu tài khoản canbo.trucbach');
    const list = async () =>
      (await api('/api/v1/admin/users?unitCode=00006')).body.items.map((u: { username: string }) => u.username);
    await settles(list, ['canbo.trucbach']);

    await row('canbo.trucbach').getByRole('button', { name: 'Khóa' }).focus();
    await page.keyboard.press('Enter');
    await expectText(page.locator('#user-result'), 'Đã khóa tài khoản canbo.trucbach');
    const disabled = await api('/api/v1/admin/users?enabled=false');
    expect(disabled.body.items.map((u: { username: string }) => u.username)).toEqual(['canbo.trucbach']);
    await expectText(row('canbo.trucbach'), 'Đã khóa');
  });

  it('imports a file: the dry run names the bad row and writes nothing; the fixed file downloads the passwords', async () => {
    const bad = `\uFEFF${HEADER}\r\nnhap.mot,Đỗ Thị Hoa,OFFICER,00001,\r\nnhap.hai,Vũ Văn Nam,OFFICER,26734,\r\n`;
    await page.setInputFiles('#i-file', { name: 'can-bo.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.locator('#i-check').click();
    await expectText(page.locator('#i-result'), '1 lỗi trong 2 dòng');
    await expectText(page.locator('#i-result table'), 'Đơn vị nằm ngoài phạm vi quản lý của bạn');
    expect(await page.locator('#i-result tbody td').first().textContent()).toBe('3');
    expect(await page.locator('#i-run').isDisabled()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-3-import-problems');

    const good = bad.replace('26734', '00004');
    await page.setInputFiles('#i-file', { name: 'can-bo.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.locator('#i-check').click();
    await expectText(page.locator('#i-result'), 'Tệp hợp lệ: 2 dòng');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#i-run').click()]);
    expect(download.suggestedFilename()).toBe('mat-khau-tam-thoi.csv');
    const handout = readFileSync((await download.path())!, 'utf8');
    expect(handout.charCodeAt(0)).toBe(0xfeff);
    expect(handout).toContain('nhap.hai,Vũ Văn Nam,OFFICER,00004');
    await expectText(page.locator('#i-result'), 'Đã tạo 2 tài khoản');
    await expectText(page.locator('#users-table'), 'nhap.hai');
  });

  it('registers a webhook for its province and retries a dead delivery', async () => {
    await page.fill('#w-url', 'http://127.0.0.1:9/hanoi-hook');
    await page.fill('#w-secret', 'bi-mat-cua-ha-noi');
    await page.locator('#w-create button[type=submit]').click();
    await expectText(page.locator('#webhooks-table'), 'http://127.0.0.1:9/hanoi-hook');
    const [hook] = (await api('/api/v1/admin/webhooks')).body;
    expect(hook.unitCode).toBe('01');
    // A delivery that gave up (the receiver was down), as the worker leaves it.
    const [event] = await t.db.query(
      `INSERT INTO alert_events (dedupe_key, kind, unit_code, occurred_at, created_at, campaign_code)
       VALUES ('web-admin-cutoff', 'CUTOFF_MISSED', '01', $1, $1, '2021-11') RETURNING id`,
      [t.clock.now()],
    );
    const [dead] = await t.db.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, status, attempts, last_error, created_at, last_attempt_at)
       VALUES ($1, $2, 'DEAD', 8, 'connect ECONNREFUSED', $3, $3) RETURNING id`,
      [hook.id, event.id, t.clock.now()],
    );
    await page.reload();
    await expectText(page.locator('#dead-table'), 'connect ECONNREFUSED');
    await screenshot(page, 'admin-4-webhooks');
    await page.locator('#dead-table').getByRole('button', { name: 'Gửi lại' }).click();
    await settles(
      async () => (await t.db.query(`SELECT status FROM webhook_deliveries WHERE id = $1`, [dead.id]))[0].status,
      'PENDING',
    );
    await expectText(page.locator('#dead-table'), 'Không có mục nào');
  });

  it('shows the audit log of what it did, and the page in English', async () => {
    await page.locator('a[href="#audit"]').click();
    const audit = page.locator('#audit-table');
    await expectText(audit, 'Tạo tài khoản');
    await expectText(audit, 'Mã đơn vị: 00004 → 00006');
    await expectText(audit, 'Khóa tài khoản');
    await expectText(audit, 'Nhập danh sách');
    expect(await audit.textContent()).toContain(`${admin.username} (01)`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-5-audit');
    await page.locator('#lang-switch').click();
    await expectText(page.locator('h1'), 'Administration');
    await expectText(audit, 'Account created');
    expect(await axeViolations(page)).toEqual([]);
    expect(web.problems).toEqual([]);
  });
});
