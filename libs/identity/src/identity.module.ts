import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuditModule } from '@phananh/audit';
import { AppConfig } from '@phananh/core';
import { AdminBootstrap } from './admin-bootstrap.service';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginLimiter } from './login-limiter';
import { SessionsService } from './sessions.service';
import { TwoFactorService } from './two-factor.service';
import { UsersService } from './users.service';

/**
 * Officials, login and the guard. Global, so that any feature module's controllers can
 * use @Auth() without importing it again.
 */
@Global()
@Module({
  imports: [
    AuditModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not the string: jsonwebtoken otherwise tries (and fails) to parse the
        // string as a public key on every verify, ~0.6 ms of CPU per authenticated request.
        // JWT_SECRET is always set once the configuration is loaded (a development default).
        secret: createSecretKey(Buffer.from(config.JWT_SECRET!, 'utf8')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [UsersService, AuthService, AuthGuard, LoginLimiter, SessionsService, TwoFactorService, AdminBootstrap],
  exports: [UsersService, AuthService, AuthGuard, LoginLimiter, SessionsService, TwoFactorService],
})
export class IdentityModule {}
