import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { AppConfig, AppError, Clock, registerValidationMessages, validationError } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import type { AuthSession, AuthUser } from './auth-user';
import { IdentityErrors } from './identity.errors';
import { LoginLimiter } from './login-limiter';
import { hashPassword, hashTemporaryPassword, passwordProblem, temporaryPassword, verifyPassword } from './passwords';
import { Role } from './role';
import { SessionsService } from './sessions.service';
import { Enrolment, TwoFactorService } from './two-factor.service';
import { User } from './user';
import { AuthRow, UsersService } from './users.service';

export const PasswordValidation = registerValidationMessages({
  PASSWORD_TOO_SHORT: {
    vi: 'Mật khẩu phải có ít nhất 12 ký tự',
    en: 'The password must be at least 12 characters long',
  },
  PASSWORD_TOO_LONG: { vi: 'Mật khẩu dài quá 256 ký tự', en: 'The password must be at most 256 characters long' },
  PASSWORD_CONTAINS_USERNAME: {
    vi: 'Mật khẩu không được chứa tên đăng nhập',
    en: 'The password must not contain the username',
  },
  PASSWORD_COMMON: {
    vi: 'Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác',
    en: 'This password is too common: choose another one',
  },
  PASSWORD_UNCHANGED: {
    vi: 'Mật khẩu mới phải khác mật khẩu hiện tại',
    en: 'The new password must differ from the current one',
  },
});

export interface AccessToken {
  accessToken: string;
  /** Real seconds the token stays valid. */
  expiresIn: number;
}

/** A completed sign-in (or a refresh): the access token, the next refresh token, and what the account must do first. */
export interface TokenSet extends AccessToken {
  refreshToken: string;
  /** Real seconds the session (and so the refresh token) lasts from now at most. */
  refreshExpiresIn: number;
  passwordChangeRequired: boolean;
  twoFactorEnrolmentRequired: boolean;
}

/** The password was right and a second factor is enrolled: the code step comes next. */
export interface CodeChallenge {
  twoFactorRequired: true;
  /** Goes back with the code to POST /auth/login/code. */
  challenge: string;
  /** Real seconds the challenge stays valid. */
  challengeExpiresIn: number;
}

export type LoginResult = TokenSet | CodeChallenge;

interface TokenClaims {
  typ: 'access' | 'challenge';
  sub: string;
  role?: Role;
  unit?: string | null;
  /** The account's session_epoch when issued. */
  ep: number;
  /** The sign-in session (access tokens of a sign-in). */
  sid?: string;
  iat: number;
  exp: number;
}

/** The only algorithm signed and accepted: `alg: none`, HS512, RS256… are all refused at verification. */
const ALGORITHM = 'HS256';
/** Real seconds between the password and the code. */
const CHALLENGE_TTL_SECONDS = 300;
const isUuid = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v);

/**
 * Sign-in, sessions and access tokens. `iat`/`exp` are written and checked in the service clock's
 * time, so tests expire a token by moving the FakeClock; a token lives JWT_TTL_SECONDS of *real*
 * time (× CLOCK_SPEED in clock time). Every access token carries the account's session epoch and
 * its sign-in session: it dies with either.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash = '';
  private readonly twoFactorRoles: Set<string>;

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly sessions: SessionsService,
    private readonly twoFactor: TwoFactorService,
    private readonly reference: ReferenceService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.twoFactorRoles = new Set(config.REQUIRE_2FA_ROLES === 'NONE' ? [] : config.REQUIRE_2FA_ROLES.split(','));
  }

  async onModuleInit(): Promise<void> {
    // Unknown usernames are checked against this, so they cost as much time as known ones.
    this.dummyHash = await hashPassword(randomBytes(24).toString('base64'));
  }

  /** Whether officials of `role` must have a second factor (REQUIRE_2FA_ROLES). */
  requiresTwoFactor(role: Role): boolean {
    return this.twoFactorRoles.has(role);
  }

  /** Step one: the password. With a factor enrolled, the answer is a challenge for the code step. */
  async login(
    username: string,
    password: string,
    clientAddress: string,
    userAgent: string | null = null,
  ): Promise<LoginResult> {
    const wait = await this.limiter.attempt(username, clientAddress);
    if (wait !== null) throw this.tooMany(wait);
    const user = await this.users.forLogin(username);
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    // A disabled account gets exactly the answer of a wrong password.
    if (!user || !ok || user.disabledAt) throw new AppError(IdentityErrors.INVALID_CREDENTIALS);
    await this.limiter.succeeded(username, clientAddress);
    if (user.totpEnrolledAt) {
      return {
        twoFactorRequired: true,
        challenge: this.sign({ typ: 'challenge', sub: user.id, ep: user.sessionEpoch }, CHALLENGE_TTL_SECONDS),
        challengeExpiresIn: CHALLENGE_TTL_SECONDS,
      };
    }
    return this.signIn(user, userAgent);
  }

  /** Step two: a code of the authenticator app, or one of the recovery codes. */
  async loginWithCode(
    challenge: string,
    code: { totp?: string; recoveryCode?: string },
    clientAddress: string,
    userAgent: string | null = null,
  ): Promise<TokenSet> {
    const claims = this.verify(challenge, 'challenge', CHALLENGE_TTL_SECONDS);
    const user = claims && (await this.users.forAuth(claims.sub));
    if (!claims || !user || user.disabledAt || user.sessionEpoch !== claims.ep || !user.totpEnrolledAt) {
      throw new AppError(IdentityErrors.CHALLENGE_INVALID);
    }
    const wait = await this.limiter.codeAttempt(user.id, clientAddress);
    if (wait !== null) throw this.tooMany(wait);
    const ok = code.totp
      ? await this.twoFactor.verify(user.id, code.totp)
      : code.recoveryCode
        ? await this.twoFactor.useRecoveryCode(user.id, code.recoveryCode)
        : false;
    if (!ok) throw new AppError(IdentityErrors.CODE_INVALID);
    await this.limiter.codeSucceeded(user.id);
    return this.signIn(user, userAgent);
  }

  /** A new access token and the next refresh token of the session (the one given is spent). */
  async refresh(refreshToken: string): Promise<TokenSet> {
    const rotated = await this.sessions.rotate(refreshToken);
    const user = await this.users.forAuth(rotated.userId, rotated.sessionId);
    if (!user || !user.sessionLive) throw new AppError(IdentityErrors.REFRESH_INVALID);
    return this.tokens(user, rotated.sessionId, rotated.refreshToken, rotated.expiresAt);
  }

  /** Ends the session the token belongs to. */
  async logout(user: AuthUser, session: AuthSession): Promise<void> {
    if (session.sessionId) await this.sessions.end(user.id, session.sessionId, 'LOGOUT');
  }

  /** Ends every session and access token of the account, this one included. */
  async logoutEverywhere(user: AuthUser): Promise<void> {
    const epoch = await this.users.bumpEpoch(user.id);
    if (epoch !== null) await this.sessions.endOthers(user.id, null, epoch, 'LOGOUT_EVERYWHERE');
  }

  /**
   * Changes the caller's own password (the current one required, and counted by the sign-in
   * throttling like a login, so a stolen access token cannot guess it fast). Every other session
   * ends; this one goes on with the new tokens returned.
   */
  async changePassword(
    user: AuthUser,
    session: AuthSession,
    current: string,
    next: string,
    clientAddress: string,
    userAgent: string | null = null,
  ): Promise<TokenSet> {
    const account = await this.checkOwnPassword(user, current, clientAddress);
    const problem = passwordProblem(next, user.username);
    if (problem) throw validationError([PasswordValidation.fieldError('newPassword', `PASSWORD_${problem}`)]);
    if (await verifyPassword(account.passwordHash, next)) {
      throw validationError([PasswordValidation.fieldError('newPassword', 'PASSWORD_UNCHANGED')]);
    }
    const epoch = await this.users.setPassword(user.id, await hashPassword(next), false);
    if (epoch === null) throw new AppError(IdentityErrors.TOKEN_INVALID);
    await this.sessions.endOthers(user.id, session.sessionId, epoch, 'PASSWORD_CHANGED');
    const fresh = (await this.users.forAuth(user.id, session.sessionId))!;
    if (session.sessionId && fresh.sessionLive) {
      // The same session, with a new refresh token (the old one is spent like at a refresh).
      return this.refreshInPlace(fresh, session.sessionId);
    }
    return this.signIn(fresh, userAgent);
  }

  /**
   * Starts enrolling a second factor. Replacing an enrolled one needs the password again (a
   * borrowed unlocked screen must not move the factor to another phone).
   */
  async startEnrolment(
    user: AuthUser,
    session: AuthSession,
    password: string | undefined,
    clientAddress: string,
  ): Promise<Enrolment> {
    if (session.twoFactorEnrolled) await this.checkOwnPassword(user, password ?? '', clientAddress);
    return this.twoFactor.start(user);
  }

  /** Removes the caller's own factor (password required); refused for a role that must have one. */
  async removeTwoFactor(user: AuthUser, password: string, clientAddress: string): Promise<void> {
    if (this.requiresTwoFactor(user.role)) throw new AppError(IdentityErrors.TWO_FACTOR_REQUIRED_FOR_ROLE);
    await this.checkOwnPassword(user, password, clientAddress);
    await this.twoFactor.remove(user.id);
  }

  /** The caller's password typed again, throttled like a sign-in (a stolen access token cannot guess it fast). */
  private async checkOwnPassword(
    user: AuthUser,
    password: string,
    clientAddress: string,
  ): Promise<User & { passwordHash: string }> {
    const wait = await this.limiter.attempt(user.username, clientAddress);
    if (wait !== null) throw this.tooMany(wait);
    const account = await this.users.forLogin(user.username);
    if (!account || !(await verifyPassword(account.passwordHash, password))) {
      throw new AppError(IdentityErrors.CURRENT_PASSWORD_WRONG);
    }
    await this.limiter.succeeded(user.username, clientAddress);
    return account;
  }

  /**
   * An admin's reset: a one-time temporary password (returned once, never stored in clear), to
   * be changed at the next sign-in; every session of the account ends.
   */
  async resetPassword(userId: string): Promise<string> {
    const password = temporaryPassword();
    const epoch = await this.users.setPassword(userId, hashTemporaryPassword(password), true);
    if (epoch === null) throw new AppError(IdentityErrors.USER_NOT_FOUND);
    await this.sessions.endOthers(userId, null, epoch, 'PASSWORD_RESET');
    return password;
  }

  /** An admin's reset of the second factor: removed, and every session ends (whoever held the factor). */
  async resetTwoFactor(userId: string): Promise<void> {
    await this.twoFactor.remove(userId);
    const epoch = await this.users.bumpEpoch(userId);
    if (epoch === null) throw new AppError(IdentityErrors.USER_NOT_FOUND);
    await this.sessions.endOthers(userId, null, epoch, 'TWO_FACTOR_RESET');
  }

  /**
   * An access token outside any sign-in session (tools and tests that need a token for an
   * account they just created): it still dies with the account's epoch and expires like any.
   */
  issue(user: Pick<User, 'id' | 'role' | 'unitCode' | 'sessionEpoch'>, sessionId?: string): AccessToken {
    const ttl = this.config.JWT_TTL_SECONDS;
    const accessToken = this.sign(
      { typ: 'access', sub: user.id, role: user.role, unit: user.unitCode, ep: user.sessionEpoch, sid: sessionId },
      ttl,
    );
    return { accessToken, expiresIn: ttl };
  }

  /** The official behind a bearer token, re-read from the database: a disabled or deleted account is refused. */
  async authenticate(token: string): Promise<AuthUser> {
    return (await this.authenticateSession(token)).user;
  }

  /** The official behind a bearer token, with the state of the sign-in (for the guard's gate). */
  async authenticateSession(token: string): Promise<{ user: AuthUser; session: AuthSession }> {
    const claims = this.verify(token, 'access', this.config.JWT_TTL_SECONDS);
    if (!claims || typeof claims.ep !== 'number' || (claims.sid !== undefined && !isUuid(claims.sid))) {
      throw new AppError(IdentityErrors.TOKEN_INVALID);
    }
    const user = await this.users.forAuth(claims.sub, claims.sid ?? null);
    // A token of an older epoch (password changed, logged out everywhere, account changed) or of
    // an ended session is over, even before its expiry.
    if (!user || user.disabledAt || user.sessionEpoch !== claims.ep || (claims.sid && !user.sessionLive)) {
      throw new AppError(IdentityErrors.TOKEN_INVALID);
    }
    return {
      user: {
        id: user.id,
        username: user.username,
        role: user.role,
        unitCode: user.unitCode,
        fullName: user.fullName,
        unitLevel: user.unitCode ? (this.reference.unit(user.unitCode)?.level ?? null) : null,
      },
      session: {
        sessionId: claims.sid ?? null,
        epoch: claims.ep,
        passwordChangeRequired: user.passwordChangeRequired,
        twoFactorEnrolled: !!user.totpEnrolledAt,
        twoFactorEnrolmentRequired: !user.totpEnrolledAt && this.requiresTwoFactor(user.role),
      },
    };
  }

  private async signIn(
    user: Pick<AuthRow, 'id' | 'role' | 'unitCode' | 'sessionEpoch' | 'passwordChangeRequired' | 'totpEnrolledAt'>,
    userAgent: string | null,
  ): Promise<TokenSet> {
    await this.users.markLogin(user.id);
    const started = await this.sessions.start(user.id, user.sessionEpoch, userAgent);
    return this.tokens(user, started.id, started.refreshToken, started.expiresAt);
  }

  private async refreshInPlace(user: AuthRow, sessionId: string): Promise<TokenSet> {
    const next = await this.sessions.reissue(user.id, sessionId);
    return this.tokens(user, sessionId, next.refreshToken, next.expiresAt);
  }

  private tokens(
    user: Pick<AuthRow, 'id' | 'role' | 'unitCode' | 'sessionEpoch' | 'passwordChangeRequired' | 'totpEnrolledAt'>,
    sessionId: string,
    refreshToken: string,
    expiresAt: Date,
  ): TokenSet {
    return {
      ...this.issue(user, sessionId),
      refreshToken,
      refreshExpiresIn: Math.ceil(this.clock.msUntil(expiresAt) / 1000),
      passwordChangeRequired: user.passwordChangeRequired,
      twoFactorEnrolmentRequired: !user.totpEnrolledAt && this.requiresTwoFactor(user.role),
    };
  }

  private sign(claims: Omit<TokenClaims, 'iat' | 'exp'>, ttlSeconds: number): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return this.jwt.sign(
      { ...claims, iat, exp: iat + Math.ceil(ttlSeconds * this.clock.speed) },
      { algorithm: ALGORITHM },
    );
  }

  /** The claims of a token of ours, of this type, current and within its lifetime; else null. */
  private verify(token: string, typ: TokenClaims['typ'], ttlSeconds: number): TokenClaims | null {
    const lifetime = Math.ceil(ttlSeconds * this.clock.speed);
    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims>(token, {
        algorithms: [ALGORITHM],
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
        maxAge: lifetime,
      });
    } catch {
      return null;
    }
    // Every token we sign says what it is, when it was issued and expires within its lifetime; one
    // that does not (signed with a leaked secret, or by an older build) is refused rather than trusted.
    if (
      claims.typ !== typ ||
      typeof claims.exp !== 'number' ||
      typeof claims.iat !== 'number' ||
      claims.exp - claims.iat > lifetime ||
      !isUuid(claims.sub)
    ) {
      return null;
    }
    return claims;
  }

  private tooMany(wait: number): AppError {
    return new AppError(IdentityErrors.TOO_MANY_LOGINS, undefined, [], { 'Retry-After': String(wait) });
  }
}
