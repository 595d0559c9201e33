import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AppError, CommonErrors } from '@phananh/core';
import { AuthService, isNationalAdmin, pendingStep } from '@phananh/identity';
import { sendException } from '../http/problem.filter';

const COOKIE = 'phananh_queues';
export const QUEUES_DASHBOARD_PATH = '/admin/queues';

function cookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * ADMIN only. The dashboard is a browser page, so besides `Authorization: Bearer <token>`
 * it takes HTTP Basic (the browser asks for the admin's username and password, checked like
 * a login, rate limit included); either way the token is then kept in an HttpOnly,
 * SameSite=Strict cookie limited to /admin/queues, so the page's own polling needs no
 * further logins and no other site can act through it. In production the cookie is always
 * `Secure`, whatever the request looked like: behind a proxy that ends TLS (or a TRUST_PROXY
 * that misses it) the request arrives as plain HTTP, and an admin's token must never be sent
 * back over plain HTTP.
 */
@Injectable()
export class QueuesAuth {
  constructor(
    private readonly auth: AuthService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * The dashboard's `onRequest` hook: lets an admin through, or answers the refusal as the API's
   * problem+json itself (an error thrown here would reach Bull Board's own error handler, whose
   * answer is a 500-style JSON of its own).
   */
  readonly hook = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    try {
      await this.admit(req, reply);
    } catch (err) {
      sendException(err, req, reply);
      return reply;
    }
    return undefined;
  };

  private async admit(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = req.headers.authorization ?? '';
    let token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header)?.[1];
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1];
    if (!token && basic) {
      const plain = Buffer.from(basic, 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      if (colon > 0) {
        token = await this.auth
          .login(plain.slice(0, colon), plain.slice(colon + 1), req.ip)
          // An account with a second factor cannot sign in with Basic (no code step): its token only.
          .then((t) => ('accessToken' in t ? t.accessToken : undefined))
          .catch((err: unknown) => {
            if (err instanceof AppError && err.def.status === 429) throw err;
            return undefined;
          });
      }
    }
    token ??= cookie(req, COOKIE);
    const signedIn = token ? await this.auth.authenticateSession(token).catch(() => undefined) : undefined;
    const user = signedIn?.user;
    if (!token || !signedIn || !user) {
      throw new AppError(CommonErrors.UNAUTHORIZED, undefined, [], {
        'WWW-Authenticate': 'Basic realm="phananh queues", charset="UTF-8"',
      });
    }
    // The gate holds here too: a password to change or a factor to enrol comes first.
    const pending = pendingStep(signedIn.session);
    if (pending) throw pending;
    // The queues are the whole country's: a provincial admin does not run them.
    if (!isNationalAdmin(user)) throw new AppError(CommonErrors.FORBIDDEN);
    if (cookie(req, COOKIE) !== token) {
      const secure = this.config.NODE_ENV === 'production' || req.protocol === 'https';
      const attributes = `Path=${QUEUES_DASHBOARD_PATH}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Strict`;
      void reply.header('Set-Cookie', `${COOKIE}=${encodeURIComponent(token)}; ${attributes}`);
    }
  }
}
