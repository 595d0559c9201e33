import { Writable } from 'node:stream';
import { appendRunLog } from './run-log';

/**
 * Collects every log line a test app writes, so tests can search them for personal data; the
 * lines also go to the run's log directory, which is searched as a whole after the run.
 */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    appendRunLog(chunk);
    if (process.env.TEST_LOGS === '1') process.stdout.write(chunk);
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }
}
