import { UnrecoverableError } from 'bullmq';
import { AppConfig, toVnIso } from '@phananh/core';
import type { JobOutcome } from '@phananh/queue';
import { postJson } from './webhook-http';
import { signWebhookBody } from './webhook-signature';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD';

/** A delivery row's columns that every kind of webhook has (joined to its webhook's url). */
export interface DeliveryRowBase {
  id: string;
  webhook_id: string;
  url: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

/** Those columns as the admin API shows a delivery; each kind adds what its event is. */
export interface DeliveryViewBase {
  id: string;
  webhookId: string;
  url: string;
  eventId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

const iso = (d: Date | null) => (d ? toVnIso(d) : null);

export const deliveryViewBase = (r: DeliveryRowBase): DeliveryViewBase => ({
  id: r.id,
  webhookId: r.webhook_id,
  url: r.url,
  eventId: r.event_id,
  status: r.status,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: toVnIso(r.created_at),
  lastAttemptAt: iso(r.last_attempt_at),
  deliveredAt: iso(r.delivered_at),
});

/** Records what an attempt came to on the delivery's row. */
export type RecordAttempt = (status: DeliveryStatus, httpStatus: number | null, error: string | null) => Promise<void>;

/** The SQL that records an attempt on a delivery table (webhook_deliveries, event_webhook_deliveries). */
export const recordDeliverySql = (table: string) =>
  `UPDATE ${table} SET status = $2, last_status = $3, last_error = $4,
          delivered_at = CASE WHEN $2 = 'DELIVERED' THEN $5::timestamptz END
   WHERE id = $1`;

/**
 * One attempt of a signed webhook delivery, the same for every kind of webhook: POSTs the body
 * (X-Signature: sha256=HMAC of the raw body), and settles it — any 2xx is DELIVERED; otherwise
 * PENDING and an error, so that BullMQ retries with back-off; after WEBHOOK_ATTEMPTS attempts
 * DEAD (the dead letter an admin can inspect and retry) and an UnrecoverableError.
 */
export async function attemptSignedPost(
  post: { url: string; secret: string; body: string; headers: Record<string, string>; attempts: number },
  config: AppConfig,
  record: RecordAttempt,
): Promise<JobOutcome> {
  const outcome = await postJson(
    new URL(post.url),
    post.body,
    { 'User-Agent': 'phananh-webhooks/1', 'X-Signature': signWebhookBody(post.secret, post.body), ...post.headers },
    { timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE },
  );
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
    await record('DELIVERED', outcome.status, null);
    return { status: outcome.status, attempts: post.attempts };
  }
  const error = outcome.error ?? `HTTP ${outcome.status}`;
  if (post.attempts >= config.WEBHOOK_ATTEMPTS) {
    await record('DEAD', outcome.status, error);
    throw new UnrecoverableError(`delivery dead after ${post.attempts} attempts: ${error}`);
  }
  await record('PENDING', outcome.status, error);
  throw new Error(`delivery attempt ${post.attempts} failed: ${error}`);
}
