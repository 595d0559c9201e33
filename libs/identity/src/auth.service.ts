import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { AppConfig, AppError, Clock } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import type { AuthUser } from './auth-user';
import { IdentityErrors } from './identity.errors';
import { LoginLimiter } from './login-limiter';
import { hashPassword, verifyPassword } from './passwords';
import { Role } from './role';
import { User } from './user';
import { UsersService } from './users.service';

export interface AccessToken {
  accessToken: string;
  /** Real seconds the token stays valid. */
  expiresIn: number;
}

interface TokenClaims {
  sub: string;
  role: Role;
  unit: string | null;
  iat: number;
  exp: number;
}

/** The only algorithm signed and accepted: `alg: none`, HS512, RS256… are all refused at verification. */
const ALGORITHM = 'HS256';

/**
 * Login and access tokens. `iat`/`exp` are written and checked in the service clock's
 * time, so tests expire a token by moving the FakeClock; a token lives JWT_TTL_SECONDS
 * of *real* time (× CLOCK_SPEED in clock time), so a replay at CLOCK_SPEED=3600 does
 * not log everybody out every second.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash = '';

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly reference: ReferenceService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    // Unknown usernames are checked against this, so they cost as much time as known ones.
    this.dummyHash = await hashPassword(randomBytes(24).toString('base64'));
  }

  async login(username: string, password: string, clientAddress: string): Promise<AccessToken> {
    const wait = await this.limiter.attempt(username, clientAddress);
    if (wait !== null) {
      throw new AppError(IdentityErrors.TOO_MANY_LOGINS, undefined, [], { 'Retry-After': String(wait) });
    }
    const user = await this.users.forLogin(username);
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    // A disabled account gets exactly the answer of a wrong password.
    if (!user || !ok || user.disabledAt) throw new AppError(IdentityErrors.INVALID_CREDENTIALS);
    return this.issue(user);
  }

  issue(user: Pick<User, 'id' | 'role' | 'unitCode'>): AccessToken {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const ttl = this.config.JWT_TTL_SECONDS;
    const claims: TokenClaims = {
      sub: user.id,
      role: user.role,
      unit: user.unitCode,
      iat,
      exp: iat + Math.ceil(ttl * this.clock.speed),
    };
    return { accessToken: this.jwt.sign(claims, { algorithm: ALGORITHM }), expiresIn: ttl };
  }

  /** The official behind a bearer token, re-read from the database: a disabled or deleted account is refused. */
  async authenticate(token: string): Promise<AuthUser> {
    let claims: TokenClaims;
    const lifetime = Math.ceil(this.config.JWT_TTL_SECONDS * this.clock.speed);
    try {
      claims = this.jwt.verify<TokenClaims>(token, {
        algorithms: [ALGORITHM],
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
        maxAge: lifetime,
      });
    } catch {
      throw new AppError(IdentityErrors.TOKEN_INVALID);
    }
    // Every token we sign says when it was issued and expires within its lifetime; one that does
    // not (signed with a leaked secret, or by an older build) is refused rather than trusted forever.
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > lifetime) {
      throw new AppError(IdentityErrors.TOKEN_INVALID);
    }
    const user =
      typeof claims.sub === 'string' && /^[0-9a-f-]{36}$/i.test(claims.sub)
        ? await this.users.forAuth(claims.sub)
        : null;
    if (!user || user.disabledAt) throw new AppError(IdentityErrors.TOKEN_INVALID);
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      unitCode: user.unitCode,
      fullName: user.fullName,
      unitLevel: user.unitCode ? (this.reference.unit(user.unitCode)?.level ?? null) : null,
    };
  }
}
