import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { hashPassword } from '@phananh/identity';
import { dbUrl, withClient } from './bench-env';
import { startBenchRedis, startBenchService } from './services';
import { runMain } from './stats';

/**
 * Screenshots of the road to the cutoff on a campaign replay: after `npm run simulate`, the
 * database `phananh_sim` holds a replayed 2021 campaign. This starts the built API on it with
 * the clock at the end of the replay, signs a supervisor of the busiest province in through
 * the supervisor page in Chromium (Debian's, through playwright-core) and saves the page and
 * its road section to test-output/screenshots/road-replay-*.png.
 *
 *   npm run simulate && node --enable-source-maps dist/bench/road-screenshot.js [--province=96] [--database-url=…]
 *
 * Without --province: the province with the most reports.
 */
const OUT = join(__dirname, '..', '..', 'test-output', 'screenshots');
const PASSWORD = 'road-screenshot-password';

async function main(): Promise<void> {
  const url = process.argv.find((a) => a.startsWith('--database-url='))?.slice(15) ?? dbUrl('phananh_sim');
  const chosen = process.argv.find((a) => a.startsWith('--province='))?.slice(11);
  const { province, end } = await withClient(url, async (c) => {
    const [busiest] = chosen
      ? [{ province_code: chosen }]
      : (
          await c.query(
            `SELECT province_code FROM tickets WHERE campaign_code = '2021-11' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
          )
        ).rows;
    const [{ last }] = (await c.query(`SELECT max(updated_at) AS last FROM tickets`)).rows;
    await c.query(
      `INSERT INTO users (username, password_hash, full_name, role, unit_code, created_at)
       VALUES ($1, $2, 'Giám sát (ảnh chụp)', 'SUPERVISOR', $3, now())
       ON CONFLICT ((lower(username))) DO UPDATE SET password_hash = EXCLUDED.password_hash, unit_code = EXCLUDED.unit_code`,
      ['road-screenshot', await hashPassword(PASSWORD), busiest.province_code],
    );
    return { province: busiest.province_code as string, end: last as Date };
  });
  process.stderr.write(`road-screenshot: province ${province}, clock at ${end.toISOString()}\n`);
  const redis = await startBenchRedis();
  const api = await startBenchService('api', {
    databaseUrl: url,
    redisUrl: redis.url,
    redisPrefix: 'road-shot',
    extra: { CLOCK_START: end.toISOString(), CLOCK_SPEED: '1', LOG_LEVEL: 'warn' },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({
      baseURL: api.url,
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto('/supervisor?campaign=2021-11');
    await page.fill('#username', 'road-screenshot');
    await page.fill('#password', PASSWORD);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#burn-summary').filter({ hasText: /\d/ }).waitFor();
    mkdirSync(OUT, { recursive: true });
    await page.locator('#road').screenshot({ path: join(OUT, `road-replay-${province}.png`) });
    await page.screenshot({ path: join(OUT, `road-replay-${province}-page.png`), fullPage: true });
    process.stdout.write(`${(await page.locator('#burn-summary').textContent())?.trim()}\n`);
    process.stdout.write(`${join(OUT, `road-replay-${province}.png`)}\n`);
  } finally {
    await browser.close();
    await api.stop();
    await redis.stop();
  }
}

runMain(main);
