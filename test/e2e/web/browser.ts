import { mkdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page, chromium } from 'playwright-core';
import { TestApp, randomCitizenId } from '@test/support';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';

/** Where each journey leaves its screenshots (test-output/ is git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-output', 'screenshots');

/**
 * How long a journey waits for the page to show what it must. Waiting ends as soon as it does,
 * so the limit costs nothing then; it is long because Chromium shares two cores with the other
 * test files of a run, and a busy renderer is not a failing page.
 */
const WAIT_MS = 15_000;

/** Debian's chromium package (.ci/run installs it); npm never downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Puts the test app on a real port on loopback and answers its base URL. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WebPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors, console errors and CSP violations seen so far: a journey ends with none. */
  problems: string[];
}

/**
 * A fresh context (its own storage) on `baseURL`. Phone: 360 px wide, as the citizen pages must work there.
 * The browser runs in UTC on purpose: the pages must show Viet Nam time whatever the device's zone.
 */
export async function openPage(browser: Browser, baseURL: string, phone = false): Promise<WebPage> {
  const context = await browser.newContext({
    baseURL,
    viewport: phone ? { width: 360, height: 780 } : { width: 1280, height: 860 },
    isMobile: phone,
    hasTouch: phone,
    locale: 'vi-VN',
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 4xx answer the page asked for and handled (a 404 lookup, a 409) is logged by Chromium as a resource error.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  page.setDefaultTimeout(WAIT_MS);
  return { context, page, problems };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

/**
 * Runs axe-core on the page as it is now and answers its serious and critical violations. axe goes in through
 * the DevTools protocol (page.evaluate), because the pages' Content-Security-Policy rightly refuses the inline
 * script that addScriptTag would add.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A PNG photo of a paper vaccination certificate, drawn by the browser itself (no binary fixture to keep). */
export async function certificatePhoto(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 640, height: 420 } });
  await page.setContent(`
    <body style="margin:0;background:#d9d4c7;font-family:'Noto Serif','DejaVu Serif',serif">
      <div style="margin:24px;padding:22px 28px;background:#fffdf6;border:1px solid #b8b09a;box-shadow:0 4px 14px #0003;transform:rotate(-1.2deg)">
        <div style="text-align:center;font-size:13px">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br><b>Độc lập - Tự do - Hạnh phúc</b></div>
        <h1 style="text-align:center;font-size:20px;margin:14px 0 10px">GIẤY XÁC NHẬN ĐÃ TIÊM VẮC XIN COVID-19</h1>
        <p style="font-size:14px;line-height:1.7;margin:0">Họ và tên: <b>NGUYỄN VĂN AN</b> &nbsp; Ngày sinh: 17/05/1990<br>
        Mũi 2: Comirnaty (Pfizer) &nbsp; Lô: FF2593 &nbsp; Ngày tiêm: 20/10/2021<br>
        Nơi tiêm: Trạm Y tế phường Phúc Xá, quận Ba Đình, Hà Nội</p>
        <div style="text-align:right;margin-top:12px;font-size:13px;color:#8a1c1c">TRẠM Y TẾ PHƯỜNG PHÚC XÁ<br>(đã ký, đóng dấu)</div>
      </div>
    </body>`);
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  return png;
}

/** Waits until the element's text contains `text` (the pages render asynchronously), else fails showing it. */
export async function expectText(locator: Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: WAIT_MS });
  } catch {
    expect(await locator.first().textContent()).toContain(text);
  }
}

export async function expectVisible(locator: Locator): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: WAIT_MS });
  } catch {
    throw new Error(`Not visible: ${locator}`);
  }
}

export interface ReportOptions {
  issueType: 'MISSING_DOSE' | 'WRONG_DOSE_INFO' | 'WRONG_PERSONAL_INFO' | 'DUPLICATE_RECORD' | 'OTHER';
  name: string;
  /** The ward of the dose (or of residence, for reports without a dose); default Phúc Xá, Hà Nội. */
  wardCode?: string;
  photo?: Buffer;
  /** Default: a fresh identity number, and 0912345678. */
  citizenId?: string;
  phone?: string;
}

/** Files a report through the public API, as the citizen's page does, and answers its tracking code. */
export async function fileReport(t: TestApp, o: ReportOptions): Promise<string> {
  const wardCode = o.wardCode ?? '00001';
  const withDose = o.issueType === 'MISSING_DOSE' || o.issueType === 'WRONG_DOSE_INFO';
  const body = {
    citizen: {
      fullName: o.name,
      dateOfBirth: '1990-05-17',
      citizenId: o.citizenId ?? randomCitizenId(),
      phone: o.phone ?? '0912345678',
      ...(withDose ? {} : { wardCode }),
    },
    issueType: o.issueType,
    ...(withDose
      ? { dose: { doseNumber: 2, vaccineCode: 'COMIRNATY', vaccinatedOn: '2021-10-20', wardCode, lotNumber: 'FF2593' } }
      : {}),
    description: 'Mũi 2 chưa có trên Sổ sức khỏe điện tử',
    consent: { noticeVersion: PRIVACY_NOTICE_VERSION },
  };
  const request = t.http.post('/api/v1/reports');
  const res = o.photo
    ? await request
        .field('report', JSON.stringify(body))
        .attach('attachments', o.photo, { filename: 'giay-xac-nhan.png', contentType: 'image/png' })
    : await request.send(body);
  if (res.status !== 201) throw new Error(`Filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.trackingCode as string;
}

/** Reads until `read()` equals `expected` (the pages update asynchronously), else fails showing the last value. */
export async function settles<T>(read: () => Promise<T>, expected: T, timeoutMs = WAIT_MS): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = await read();
  while (!isDeepStrictEqual(last, expected) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  expect(last).toEqual(expected);
}
