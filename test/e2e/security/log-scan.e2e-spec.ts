import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LogCapture, startPrivateRedis } from '@test/support';
import { currentTestEnv } from '../../test-env';

// The reporter is plain CommonJS (Jest loads reporters untransformed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { scanText, testPasswords } = require('../../log-scan.js') as {
  scanText(text: string, passwords?: string[]): { findings: { line: number; kind: string; excerpt: string }[] };
  testPasswords(rootDir: string): string[];
};

const kinds = (text: string, passwords: string[] = []) => scanText(text, passwords).findings.map((f) => f.kind);

/**
 * The run-wide log scan (test/log-scan.js, a Jest reporter that fails the run): it finds what it
 * must, leaves alone what is not personal data, and really receives every test app's and
 * every spawned process's log lines.
 */
describe('the run-wide log scan', () => {
  it('finds identity numbers, phones, tokens and passwords, wherever they sit in a line', () => {
    expect(kinds('{"msg":"filed","citizenId":"001090012345"}')).toEqual(['identity number (12-digit CCCD)']);
    expect(kinds('lookup for 012345678 failed')).toEqual(['identity number (9-digit CMND)']);
    expect(kinds('"url":"/x?phone=0912345678"')).toEqual(['phone number']);
    expect(kinds('call +84912345678 back')).toEqual(['phone number']);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(kinds(`token ${jwt}`)).toEqual(['access token (JWT)']);
    expect(kinds('"authorization":"Bearer abcdefghijk.lmnop"')).toEqual(['bearer credential']);
    expect(kinds('{"body":{"password":"hunter2-hunter2"}}')).toEqual(['password field']);
    expect(kinds('created pw-AbCdEf123456 for x')).toEqual(['test password']);
    expect(kinds('login with mot-mat-khau-du-dai', ['mot-mat-khau-du-dai'])).toEqual(['password used in tests']);
    expect(scanText('a\nb 001090012345\nc').findings[0].line).toBe(2);
  });

  it('never repeats the secret it reports', () => {
    const [finding] = scanText('{"citizenId":"001090012345"}').findings;
    expect(finding.excerpt).not.toContain('001090012345');
    expect(finding.excerpt).toContain('001…[12 chars]');
  });

  it('leaves alone ids, instants, UUIDs, masked and redacted values', () => {
    const clean = [
      '{"level":30,"time":1636736400000,"pid":12345,"reqId":"3f1c2a9e-1b2c-4d5e-8f90-123456789012"}',
      '{"msg":"masked","citizenId":"001******345","phone":"091****678"}',
      '{"authorization":"[redacted]","password":"[redacted]","note":"Bearer [redacted]"}',
      '{"jobId":"sla-due_soon-123-1636736400000","cursor":"WyIyMDIxLTExLTAzVDA4OjAwOjAwIiwxMjM0NTY3ODldXQ"}',
      '{"ticket":"7KQ2-M4PX-9RT","responseTime":123,"ms":0.123456789}',
    ].join('\n');
    expect(scanText(clean, ['a-very-long-admin-password']).findings).toEqual([]);
  });

  it("collects the tests' own long passwords from their sources", () => {
    const found = testPasswords(join(__dirname, '../../..'));
    expect(found).toEqual(expect.arrayContaining(['a-very-long-admin-password']));
    expect(found.every((p) => p.length >= 10)).toBe(true);
  });

  it("receives every test app's lines and every spawned process's output", async () => {
    const { logDir } = currentTestEnv();
    const marker = `marker-${randomUUID()}`;
    new LogCapture().write(`{"msg":"${marker}"}\n`);
    const redis = await startPrivateRedis();
    await redis.stop();
    const logs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'));
    expect(logs.some((text) => text.includes(marker))).toBe(true);
    expect(
      logs.some(
        (text) => text.includes(`Running mode=standalone, port=${redis.port}`) || text.includes(`port=${redis.port}`),
      ),
    ).toBe(true);
  });
});
