import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { AddressNotAllowedError, guardedLookup, isPrivateAddress } from './address-guard';

/** What one POST of a webhook body came to: the receiver's status, or an error before any answer. */
export interface PostOutcome {
  status: number | null;
  error: string | null;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs a JSON body without following redirects (a redirect could point inward), through the
 * guarded lookup, with one overall timeout. Never throws: the caller records the outcome.
 */
export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !options.allowPrivate && isPrivateAddress(host)) {
      return resolve({ status: null, error: new AddressNotAllowedError('private').message });
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
        lookup: guardedLookup(options.allowPrivate) as never,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on('close', () => finish({ status: res.statusCode ?? null, error: null }));
        res.on('error', () => finish({ status: res.statusCode ?? null, error: null }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('error', (err) => finish({ status: null, error: err.message.slice(0, 300) }));
    req.end(body);
  });
}
