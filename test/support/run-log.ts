import { mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_ENV_VAR, TestEnv } from '../test-env';

const files = new Map<string, number>();

/**
 * Appends log output to a file of this run's log directory (one file per writer), which the
 * log-scan reporter (test/log-scan.js) searches for personal data once every test has run.
 * Outside a jest run (no run environment) it does nothing. Synchronous, so that nothing is
 * lost when a worker process exits.
 */
export function appendRunLog(text: string | Buffer, writer = String(process.pid)): void {
  const raw = process.env[TEST_ENV_VAR];
  if (!raw) return;
  let fd = files.get(writer);
  if (fd === undefined) {
    const dir = (JSON.parse(raw) as TestEnv).logDir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    fd = openSync(join(dir, `${writer}.log`), 'a');
    files.set(writer, fd);
  }
  writeSync(fd, typeof text === 'string' ? Buffer.from(text) : text);
}
