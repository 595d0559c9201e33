import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, CommonErrors } from '@phananh/core';
import type { AuthUser } from './auth-user';
import { AuthService } from './auth.service';
import { IdentityErrors } from './identity.errors';
import { Role } from './role';

export const ROLES_KEY = 'phananh:roles';

export type AuthenticatedRequest = Request & { authUser?: AuthUser };

/** Bearer token → AuthUser on the request; then the roles named by @Auth(...) (none named: any official). */
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
      req.authUser = await this.auth.authenticate(match[1]);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.def, undefined, [], { 'WWW-Authenticate': 'Bearer' });
      throw e;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles?.length && !roles.includes(req.authUser.role)) throw new AppError(CommonErrors.FORBIDDEN);
    return true;
  }
}
