import { ExecutionContext, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthSession, AuthUser } from './auth-user';
import { ALLOW_PENDING_KEY, AuthGuard, AuthenticatedRequest, ROLES_KEY } from './auth.guard';
import { Role } from './role';

/**
 * Officials only: a missing, invalid or expired token is 401. With roles, e.g.
 * `@Auth(Role.Admin)`, an official of another role gets 403.
 */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    UseGuards(AuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token (problem+json)' }),
    ...(roles.length ? [ApiForbiddenResponse({ description: `Only for ${roles.join(', ')} (problem+json)` })] : []),
  );
}

/** The official behind the request (set by the guard of @Auth). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<AuthenticatedRequest>().authUser;
  if (!user) throw new Error('@CurrentUser() used on a route without @Auth()');
  return user;
});

/**
 * The few endpoints an account may use while it must first change its password or enrol a
 * second factor (me, the change itself, enrolment, logout). Every other @Auth() endpoint is
 * closed to it (403 PASSWORD_CHANGE_REQUIRED / TWO_FACTOR_ENROLMENT_REQUIRED).
 */
export const AllowPending = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_PENDING_KEY, true);

/** The sign-in behind the request (set by the guard of @Auth). */
export const CurrentSession = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthSession => {
  const session = ctx.switchToHttp().getRequest<AuthenticatedRequest>().authSession;
  if (!session) throw new Error('@CurrentSession() used on a route without @Auth()');
  return session;
});
