import { Browser, Page } from 'playwright-core';
import { Role } from '@phananh/identity';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { TestApp, createTestApp, newOfficial } from '@test/support';
import {
  WebPage,
  axeViolations,
  certificatePhoto,
  expectText,
  expectVisible,
  launchBrowser,
  listen,
  openPage,
  screenshot,
} from './browser';

// Run inside the page by page.evaluate (the project's TypeScript has no DOM library).
declare const document: { documentElement: { scrollWidth: number }; activeElement: { id: string } | null };
declare function getComputedStyle(el: unknown): { fontSize: string };

/** The citizen's journey on a 360 px phone: file a report with a photo, get the code, look it up. */
describe('web: the citizen files a report and follows it', () => {
  let t: TestApp;
  let browser: Browser;
  let web: WebPage;
  let page: Page;
  let photo: Buffer;
  let trackingCode: string;

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    // The ward's health station has an official, so reports about doses given there are routed to it.
    await newOfficial(t, { unitCode: '00001' });
    const base = await listen(t);
    browser = await launchBrowser();
    photo = await certificatePhoto(browser);
    web = await openPage(browser, base, true);
    page = web.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const fieldError = (id: string) => page.locator(`#${id}-error`);

  it('shows the form with the reference lists, in Vietnamese, with no serious accessibility problem', async () => {
    await page.goto('/');
    await expectText(page.locator('h1'), 'Phản ánh mũi tiêm bị thiếu hoặc sai');
    await page.locator('#home-province option[value="01"]').waitFor({ state: 'attached' });
    expect(await page.locator('#home-province option').count()).toBe(64);
    // The server's privacy notice: purpose, who sees the data, when it is erased, the citizen's rights.
    await expectText(page.locator('#privacy-items'), 'Nghị định 13/2023/NĐ-CP');
    await expectText(page.locator('#privacy-items'), '180 ngày sau hạn chót');
    expect(await page.locator('#consent').isChecked()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('checks the form in the page before sending, next to each field', async () => {
    await page.locator('#submit').click();
    await expectVisible(page.locator('#error-summary'));
    await expectText(fieldError('fullName'), 'Vui lòng nhập thông tin này');
    await expectText(fieldError('issueType'), 'Vui lòng chọn loại phản ánh');
    await expectText(fieldError('consent'), 'Vui lòng đọc thông báo về xử lý dữ liệu cá nhân và đánh dấu đồng ý');
    await page.fill('#dateOfBirth', '1990-05-17');
    await page.fill('#citizenId', '123456789');
    await page.fill('#phone', '0243 826 4147');
    await page.locator('#submit').click();
    await expectText(fieldError('citizenId'), 'chứng minh nhân dân 9 số');
    await expectText(fieldError('phone'), 'Số điện thoại di động không hợp lệ');
    expect(await page.locator('#citizenId').getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'citizen-1-form-errors');
  });

  it('fills the form on a phone: pickers, dose, photo', async () => {
    await page.fill('#fullName', 'Nguyễn Văn An');
    await page.fill('#phone', '0912 345 678');
    await page.locator('label.choice', { hasText: 'Thiếu mũi tiêm' }).click();
    await expectVisible(page.locator('#dose-fields'));
    await page.selectOption('#doseNumber', '2');
    await page.locator('#vaccineCode option[value="COMIRNATY"]').waitFor({ state: 'attached' });
    await page.selectOption('#vaccineCode', 'COMIRNATY');
    await page.fill('#vaccinatedOn', '2021-10-20');
    await pick(page, 'dose', ['01', '001', '00001']);
    await page.fill('#facilityName', 'Trạm Y tế phường Phúc Xá');
    await page.fill('#lotNumber', 'FF2593');
    await pick(page, 'home', ['01', '001', '00004']);
    await page.setInputFiles('#attachments', { name: 'giay-xac-nhan.png', mimeType: 'image/png', buffer: photo });
    await expectText(page.locator('#file-list'), 'giay-xac-nhan.png');
    await page.fill('#description', 'Mũi 2 chưa có trên Sổ sức khỏe điện tử');
    // Ticking the box, from the keyboard.
    await page.locator('#consent').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#consent').isChecked()).toBe(true);
  });

  it("shows the server's own field errors next to the right field, in the page's language", async () => {
    // 000 is no province's code: only the server knows the list, and it says so on citizen.citizenId.
    await page.fill('#citizenId', '000090012345');
    await page.locator('#lang-switch').click();
    await expectText(page.locator('h1'), 'Report a missing or wrong dose');
    await expectText(page.locator('#privacy-items'), 'Decree 13/2023/ND-CP');
    await page.locator('#submit').click();
    await expectVisible(fieldError('citizenId'));
    const shown = (await fieldError('citizenId').textContent())!.trim();
    const direct = await t.http
      .post('/api/v1/reports')
      .set('Accept-Language', 'en')
      .send({
        citizen: {
          fullName: 'Nguyễn Văn An',
          dateOfBirth: '1990-05-17',
          citizenId: '000090012345',
          phone: '0912345678',
        },
        issueType: 'MISSING_DOSE',
        dose: { doseNumber: 2, vaccineCode: 'COMIRNATY', vaccinatedOn: '2021-10-20', wardCode: '00001' },
      });
    const expected = direct.body.errors.find((e: { field: string }) => e.field === 'citizen.citizenId');
    expect(shown).toBe(expected.message);
    expect(await page.locator('#citizenId').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#lang-switch').click();
    await expectText(page.locator('h1'), 'Phản ánh mũi tiêm bị thiếu hoặc sai');
  });

  it('files the report with its photo and shows the tracking code large, with its deadline', async () => {
    await page.fill('#citizenId', '001090012345');
    await screenshot(page, 'citizen-2-form-filled');
    await page.locator('#submit').click();
    const code = page.locator('#tracking-code');
    await code.waitFor();
    trackingCode = (await code.textContent())!.trim();
    expect(trackingCode.length).toBeGreaterThan(5);
    expect(trackingCode.length).toBeLessThanOrEqual(16);
    await expectText(page.locator('#confirmation'), 'Trạm Y tế Phường Phúc Xá');
    // Received 2021-11-03 08:00 (the test clock), due 48 hours later, shown in Viet Nam time on a UTC device.
    await expectText(page.locator('#confirmation'), '05/11/2021');
    await expectText(page.locator('#confirmation'), '08:00');
    const fontSize = await code.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(24);
    const [row] = await t.db.query(
      `SELECT count(a.*)::int AS n FROM attachments a JOIN tickets k ON k.id = a.ticket_id WHERE k.tracking_code = $1`,
      [trackingCode],
    );
    expect(row.n).toBe(1);
    const [stored] = await t.db.query(`SELECT notice_version FROM tickets WHERE tracking_code = $1`, [trackingCode]);
    expect(stored.notice_version).toBe(PRIVACY_NOTICE_VERSION);
    expect(await axeViolations(page)).toEqual([]);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'citizen-3-confirmation');
  });

  it('looks the report up with the code and the identity number: status, unit, deadline, timeline', async () => {
    await page.locator('a', { hasText: 'Tra cứu phản ánh' }).click();
    await page.waitForURL(/\/status\?code=/);
    expect(await page.inputValue('#trackingCode')).toBe(trackingCode);
    await page.fill('#citizenId', '001090012346');
    await page.locator('#lookup-submit').click();
    await expectText(page.locator('#lookup-message'), 'Không tìm thấy phản ánh');
    await page.fill('#citizenId', '001090012345');
    await page.locator('#lookup-submit').click();
    const result = page.locator('#result');
    await result.waitFor();
    await expectText(result, `Phản ánh ${trackingCode}`);
    await expectText(result, 'Chờ xử lý');
    await expectText(result, 'Trạm Y tế Phường Phúc Xá');
    await expectText(result, '05/11/2021');
    expect(await page.locator('.timeline li').count()).toBeGreaterThanOrEqual(1);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'citizen-4-status');
    expect(web.problems).toEqual([]);
  });

  it('follows a merged report to the report it was merged into, once the phone on file is given', async () => {
    // The same citizen filed again about the same dose from another phone; an official kept the first report.
    const citizen = { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', citizenId: '001090012345' };
    const second = await t.http
      .post('/api/v1/reports')
      .send({
        citizen: { ...citizen, phone: '0987 654 321' },
        issueType: 'MISSING_DOSE',
        dose: { doseNumber: 2, vaccineCode: 'COMIRNATY', vaccinatedOn: '2021-10-20', wardCode: '00001' },
        consent: { noticeVersion: PRIVACY_NOTICE_VERSION },
      })
      .expect(201);
    const merged = second.body.trackingCode as string;
    const admin = await newOfficial(t, { role: Role.Admin });
    await t.http
      .post(`/api/v1/tickets/${merged}/merge`)
      .set('Authorization', admin.bearer)
      .send({ into: trackingCode })
      .expect(200);

    await page.goto(`/status?code=${merged}`);
    await page.fill('#citizenId', '001090012345');
    await page.locator('#lookup-submit').click();
    const result = page.locator('#result');
    await expectText(result, `Phản ánh ${merged}`);
    await expectText(result, 'Đã gộp');
    // Without the phone (or with another one), nothing says which report it went to.
    expect(await page.locator('#merged-into').count()).toBe(0);
    expect(await result.textContent()).not.toContain(trackingCode);
    await page.fill('#phone', '0243 826 4147');
    await page.locator('#lookup-submit').click();
    await expectText(fieldError('phone'), 'Số điện thoại di động không hợp lệ');
    await page.fill('#phone', '0987 654 321');
    await page.locator('#lookup-submit').click();
    await expectText(result, 'Đã gộp');
    expect(await page.locator('#merged-into').count()).toBe(0);

    await page.fill('#phone', '0912 345 678');
    await page.locator('#lookup-submit').click();
    await expectText(page.locator('#merged-into'), `theo dõi kết quả xử lý bằng mã ${trackingCode}`);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'citizen-5-merged');
    await page.locator('#merged-into a').click();
    await page.waitForURL(/\/status\?code=/);
    expect(await page.inputValue('#trackingCode')).toBe(trackingCode);
    expect(web.problems).toEqual([]);
  });

  it('withdraws the open report after a confirmation, by keyboard, and shows it withdrawn', async () => {
    // The kept report of the merge above, looked up again.
    await page.fill('#citizenId', '001090012345');
    await page.locator('#lookup-submit').click();
    await expectText(page.locator('#result'), `Phản ánh ${trackingCode}`);
    const withdraw = page.locator('#withdraw');
    await expectVisible(withdraw);
    // Asking is not doing: the confirmation comes first, and "no" keeps the report.
    await withdraw.focus();
    await page.keyboard.press('Enter');
    await expectText(page.locator('#withdraw-confirm'), 'Rút lại phản ánh này?');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('withdraw-confirm-title');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'citizen-5-withdraw-confirm');
    await page.locator('#withdraw-no').click();
    await expectVisible(page.locator('#withdraw'));
    expect(await status()).toBe('ASSIGNED');
    // Confirmed: WITHDRAWN on the page and in the database, and no button any more.
    await page.locator('#withdraw').click();
    await page.locator('#withdraw-yes').focus();
    await page.keyboard.press('Enter');
    const result = page.locator('#result');
    await expectText(result, 'Đã rút lại');
    await expectText(page.locator('#lookup-message'), 'Đã rút lại phản ánh.');
    await expectText(page.locator('.timeline'), 'Người dân rút lại phản ánh');
    expect(await page.locator('#withdraw').count()).toBe(0);
    expect(await status()).toBe('WITHDRAWN');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'citizen-6-withdrawn');
    // In English too.
    await page.locator('#lang-switch').click();
    await expectText(result, 'Withdrawn');
    await page.locator('#lang-switch').click();
    expect(web.problems).toEqual([]);
  });

  const status = async () =>
    (await t.db.query(`SELECT status FROM tickets WHERE tracking_code = $1`, [trackingCode]))[0].status;
});

async function pick(page: Page, prefix: string, codes: [string, string, string]): Promise<void> {
  const [province, district, ward] = codes;
  await page.selectOption(`#${prefix}-province`, province);
  await page.locator(`#${prefix}-district option[value="${district}"]`).waitFor({ state: 'attached' });
  await page.selectOption(`#${prefix}-district`, district);
  await page.locator(`#${prefix}-ward option[value="${ward}"]`).waitFor({ state: 'attached' });
  await page.selectOption(`#${prefix}-ward`, ward);
}
