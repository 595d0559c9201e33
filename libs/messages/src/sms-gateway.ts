import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { postJson } from '@phananh/alerts';
import { AppConfig } from '@phananh/core';

/** One SMS to send. `reference` is the same on every attempt of one message: gateways deduplicate on it. */
export interface SmsMessage {
  /** E.164 (+84…). */
  to: string;
  /** Plain GSM-7, one segment (templates.ts). */
  text: string;
  reference: string;
}

/** What a gateway said: accepted, or not (and whether trying again can help). */
export type SmsResult = { ok: true } | { ok: false; error: string; permanent: boolean };

/**
 * An SMS provider. The service talks to providers only through this: a provider with its own
 * API (an operator's SMPP bridge, a brand-name SMS service) gets its own adapter implementing
 * it, provided under the SMS_GATEWAY token in MessagesModule in place of JsonSmsGateway.
 * `send` must not throw for the provider's refusals; it answers them.
 */
export interface SmsGateway {
  readonly configured: boolean;
  send(message: SmsMessage): Promise<SmsResult>;
}
export const SMS_GATEWAY = Symbol('phananh:sms-gateway');

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp bound in, so a captured request cannot be replayed later. */
export function signSmsRequest(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The generic JSON gateway: `POST SMS_GATEWAY_URL` with `{ "to", "text", "reference" }`,
 * `Authorization: Bearer SMS_GATEWAY_TOKEN` (when set), `X-Timestamp` (Unix seconds, real time)
 * and `X-Signature` (signSmsRequest with SMS_GATEWAY_SECRET, when set), and
 * `Idempotency-Key: <reference>`. A 2xx is accepted; 408, 429 and 5xx or no answer are tried
 * again; any other 4xx is permanent (the request itself is wrong: retrying cannot help).
 * The gateway is the operator's own configuration, so private addresses are allowed.
 */
@Injectable()
export class JsonSmsGateway implements SmsGateway {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.SMS_GATEWAY_URL;
  }

  async send(message: SmsMessage): Promise<SmsResult> {
    const body = JSON.stringify({ to: message.to, text: message.text, reference: message.reference });
    // Real wall-clock time, not the service's Clock: the gateway checks it against its own clock
    // (a replay on CLOCK_START=2021-… must still be accepted).
    // eslint-disable-next-line no-restricted-syntax
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'User-Agent': 'phananh-sms/1',
      'Idempotency-Key': message.reference,
      'X-Timestamp': timestamp,
    };
    if (this.config.SMS_GATEWAY_TOKEN) headers.Authorization = `Bearer ${this.config.SMS_GATEWAY_TOKEN}`;
    if (this.config.SMS_GATEWAY_SECRET)
      headers['X-Signature'] = signSmsRequest(this.config.SMS_GATEWAY_SECRET, timestamp, body);
    const outcome = await postJson(new URL(this.config.SMS_GATEWAY_URL!), body, headers, {
      timeoutMs: this.config.SMS_GATEWAY_TIMEOUT_MS,
      allowPrivate: true,
    });
    const status = outcome.status;
    if (status !== null && status >= 200 && status < 300) return { ok: true };
    const permanent = status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
    return { ok: false, error: outcome.error ?? `HTTP ${status}`, permanent };
  }
}
