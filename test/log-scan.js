/**
 * The run-wide log check: every line that any test app or spawned service logged during the
 * run (kept in the run's log directory by test/support's LogCapture and startService) is
 * searched for identity numbers, phone numbers, passwords and access tokens. A finding fails
 * the run. Plain CommonJS: Jest loads reporters without transforming them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { existsSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { join } = require('node:path');

/** Not next to a word character, a dot or a hyphen: ids, UUIDs, base64 and decimals are not numbers of people. */
const B = String.raw`(?<![\w.-])`;
const E = String.raw`(?![\w-])`;

const PATTERNS = [
  { kind: 'identity number (12-digit CCCD)', re: new RegExp(`${B}0\\d{11}${E}`) },
  { kind: 'identity number (9-digit CMND)', re: new RegExp(`${B}\\d{9}${E}`) },
  { kind: 'phone number', re: new RegExp(`${B}(?:\\+?84|0)[35789]\\d{8}${E}`) },
  { kind: 'access token (JWT)', re: /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/ },
  { kind: 'bearer credential', re: /Bearer\s+(?!\[redacted\])[\w.~+/=-]{8,}/i },
  { kind: 'password field', re: /"(?:password|newPassword|ADMIN_PASSWORD)"\s*:\s*"(?!\[redacted\])/i },
  { kind: 'test password', re: /(?<![\w-])pw-[\w-]{12}(?![\w-])/ },
];

const PASSWORD_LITERAL = /password['"]?\s*[:=]\s*['"`]([^'"`\s]{10,})['"`]/gi;

function walk(dir, keep, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** Passwords written out in the tests' own source (e.g. `password: 'mot-mat-khau-du-dai'`), at least 10 characters. */
function testPasswords(rootDir) {
  const sources = [
    ...walk(join(rootDir, 'test'), (p) => p.endsWith('.ts')),
    ...walk(join(rootDir, 'libs'), (p) => /\.(int-)?spec\.ts$/.test(p) || p.includes(join('libs', 'testing'))),
    ...walk(join(rootDir, 'apps'), (p) => /\.spec\.ts$/.test(p)),
  ];
  const found = new Set();
  for (const file of sources) {
    for (const m of readFileSync(file, 'utf8').matchAll(PASSWORD_LITERAL)) {
      if (!/redacted/i.test(m[1])) found.add(m[1]);
    }
  }
  return [...found];
}

/** Shows where a finding is without repeating the secret: its first three characters only. */
function masked(line, match) {
  const i = line.indexOf(match);
  const before = line.slice(Math.max(0, i - 60), i);
  return `${before}${match.slice(0, 3)}…[${match.length} chars]`;
}

/** Findings in some text: `{ line, kind, excerpt }` for each offending line (first pattern that matches). */
function scanText(text, passwords = []) {
  const findings = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const { kind, re } of PATTERNS) {
      const m = re.exec(line);
      if (m) {
        findings.push({ line: index + 1, kind, excerpt: masked(line, m[0]) });
        return;
      }
    }
    const secret = passwords.find((p) => line.includes(p));
    if (secret) findings.push({ line: index + 1, kind: 'password used in tests', excerpt: masked(line, secret) });
  });
  return { findings, lines: lines.length };
}

function scanDir(dir, passwords) {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.log')) : [];
  const findings = [];
  let lines = 0;
  for (const name of files) {
    const result = scanText(readFileSync(join(dir, name), 'utf8'), passwords);
    lines += result.lines;
    for (const f of result.findings) findings.push({ file: name, ...f });
  }
  return { files: files.length, lines, findings };
}

class LogScanReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const raw = process.env.PHANANH_TEST_RUN;
    if (!raw) return;
    const { logDir } = JSON.parse(raw);
    if (!logDir) return;
    const { files, lines, findings } = scanDir(logDir, testPasswords(this.rootDir));
    if (findings.length === 0) {
      process.stderr.write(
        `\nLog scan: ${lines} lines from ${files} log files, no identity number, phone, password or token.\n`,
      );
      return;
    }
    writeFileSync(join(logDir, 'LEAKS'), '');
    const shown = findings
      .slice(0, 30)
      .map((f) => `  ${f.file}:${f.line}: ${f.kind}: ${f.excerpt}`)
      .join('\n');
    process.stderr.write(
      `\nLog scan FAILED: ${findings.length} log lines carry personal data or secrets ` +
        `(logs kept in ${logDir}):\n${shown}\n`,
    );
    this.error = new Error(`personal data or secrets in ${findings.length} log lines`);
    // Counted as a failed suite, so that the closing "N passed, N failed" line says so too.
    results.numRuntimeErrorTestSuites += 1;
  }

  getLastError() {
    return this.error;
  }
}

module.exports = LogScanReporter;
module.exports.scanText = scanText;
module.exports.testPasswords = testPasswords;
