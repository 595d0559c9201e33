import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';

/**
 * Multipart bodies (a filing's attachments) through @fastify/multipart. Its content-type parser
 * only marks a `multipart/form-data` request and leaves the body unread: ReportFilesInterceptor
 * reads the parts, with the filing's own limits, once the guards (rate limit) have let the request
 * in. No global options, as no other route takes multipart.
 */
export async function registerUploads(app: NestFastifyApplication): Promise<void> {
  await app.register(multipart);
}

/**
 * Stops parsing a body and reads the rest of it off, to its end or until the client goes away:
 * an error answered while the client is still sending would otherwise reach it as a reset
 * connection rather than as the answer (multer and body-parser did the same on Express).
 */
export async function readOff(raw: IncomingMessage): Promise<void> {
  raw.unpipe();
  if (raw.readableEnded || raw.destroyed) return;
  await new Promise<void>((resolve) => {
    raw.once('end', resolve).once('close', resolve).once('error', resolve);
    raw.resume();
  });
}
