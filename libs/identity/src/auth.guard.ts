import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from '@phananh/core';
import type { AuthSession, AuthUser } from './auth-user';
import { AuthService } from './auth.service';
import { IdentityErrors } from './identity.errors';
import { Role } from './role';

export const ROLES_KEY = 'phananh:roles';
export const ALLOW_PENDING_KEY = 'phananh:allow-pending';

export type AuthenticatedRequest = FastifyRequest & { authUser?: AuthUser; authSession?: AuthSession };

/**
 * The gate: while the account must change its password or enrol a second factor, only the
 * endpoints marked @AllowPending() (me, change password, enrolment, logout) answer; every other
 * one is 403 with the step to take. Checked here, so no endpoint can forget it.
 */
export function pendingStep(session: AuthSession): AppError | null {
  if (session.passwordChangeRequired) return new AppError(IdentityErrors.PASSWORD_CHANGE_REQUIRED);
  if (session.twoFactorEnrolmentRequired) return new AppError(IdentityErrors.TWO_FACTOR_ENROLMENT_REQUIRED);
  return null;
}

/** Bearer token → AuthUser on the request; the gate (see pendingStep); then the roles named by @Auth(...) (none named: any official). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.headers.authorization ?? '');
    if (!match) throw new AppError(IdentityErrors.TOKEN_INVALID, undefined, [], { 'WWW-Authenticate': 'Bearer' });
    try {
      const { user, session } = await this.auth.authenticateSession(match[1]);
      req.authUser = user;
      req.authSession = session;
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.def, undefined, [], { 'WWW-Authenticate': 'Bearer' });
      throw e;
    }
    const targets = [context.getHandler(), context.getClass()];
    const pending = pendingStep(req.authSession);
    if (pending && !this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_PENDING_KEY, targets)) throw pending;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles?.length && !roles.includes(req.authUser.role)) throw new AppError(CommonErrors.FORBIDDEN);
    return true;
  }
}
