import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError, toVnIso } from '@phananh/core';
import {
  AllowPending,
  Auth,
  AuthService,
  AuthSession,
  AuthUser,
  CurrentSession,
  CurrentUser,
  IdentityErrors,
  SessionsService,
  TwoFactorService,
} from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import {
  ChangePasswordDto,
  ConfirmEnrolmentDto,
  EnrolmentView,
  LoginCodeDto,
  LoginDto,
  LoginView,
  MeView,
  PasswordDto,
  RecoveryCodesView,
  RefreshDto,
  SessionView,
  StartEnrolmentDto,
  TokenSetView,
} from './login.dto';

const address = (req: FastifyRequest) => req.ip ?? 'unknown';
const agent = (req: FastifyRequest) => req.headers['user-agent'] ?? null;

@ApiTags('officials')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly twoFactor: TwoFactorService,
    private readonly reference: ReferenceService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in, step one: the password. Without a second factor: the tokens. With one: a challenge for POST /auth/login/code. Disabled accounts are refused like a wrong password',
  })
  @ApiOkResponse({ type: LoginView })
  @ApiTooManyRequestsResponse({
    description: 'A growing delay for this account, or too many attempts from this address',
  })
  login(@Body() body: LoginDto, @Req() req: FastifyRequest): Promise<LoginView> {
    return this.auth.login(body.username, body.password, address(req), agent(req));
  }

  @Post('login/code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in, step two: a code of the authenticator app (each once) or a recovery code' })
  @ApiOkResponse({ type: TokenSetView })
  @ApiTooManyRequestsResponse({ description: 'A growing delay on wrong codes for this account' })
  loginWithCode(@Body() body: LoginCodeDto, @Req() req: FastifyRequest): Promise<TokenSetView> {
    return this.auth.loginWithCode(
      body.challenge,
      { totp: body.code, recoveryCode: body.recoveryCode },
      address(req),
      agent(req),
    );
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new access token and the next refresh token; an old refresh token presented again ends the session',
  })
  @ApiOkResponse({ type: TokenSetView })
  refresh(@Body() body: RefreshDto): Promise<TokenSetView> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @Auth()
  @AllowPending()
  @ApiOperation({ summary: 'End this session (its access and refresh tokens)' })
  @ApiNoContentResponse()
  async logout(@CurrentUser() user: AuthUser, @CurrentSession() session: AuthSession): Promise<void> {
    await this.auth.logout(user, session);
  }

  @Post('logout-everywhere')
  @HttpCode(204)
  @Auth()
  @AllowPending()
  @ApiOperation({ summary: 'End every session and access token of the account, this one included' })
  @ApiNoContentResponse()
  async logoutEverywhere(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logoutEverywhere(user);
  }

  @Get('me')
  @Auth()
  @AllowPending()
  @ApiOperation({ summary: 'The signed-in official, and what the account must do first' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentUser() user: AuthUser, @CurrentSession() session: AuthSession): Promise<MeView> {
    return {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      role: user.role,
      unit: user.unitCode && this.reference.unit(user.unitCode) ? this.reference.unitRef(user.unitCode) : null,
      passwordChangeRequired: session.passwordChangeRequired,
      twoFactorEnrolled: session.twoFactorEnrolled,
      twoFactorEnrolmentRequired: session.twoFactorEnrolmentRequired,
      recoveryCodesLeft: session.twoFactorEnrolled ? await this.twoFactor.recoveryCodesLeft(user.id) : 0,
    };
  }

  @Post('password')
  @HttpCode(200)
  @Auth()
  @AllowPending()
  @ApiOperation({
    summary:
      'Change the own password (the current one required; policy: 12+ characters, not the username, not common). Every other session ends; this one goes on with the tokens returned',
  })
  @ApiOkResponse({ type: TokenSetView })
  changePassword(
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: AuthSession,
    @Body() body: ChangePasswordDto,
    @Req() req: FastifyRequest,
  ): Promise<TokenSetView> {
    return this.auth.changePassword(user, session, body.currentPassword, body.newPassword, address(req), agent(req));
  }

  @Post('2fa/enrolment')
  @Auth()
  @AllowPending()
  @ApiOperation({
    summary:
      'Start enrolling a second factor: a new key as QR code and text, pending until confirmed (replacing an enrolled one needs the password)',
  })
  @ApiCreatedResponse({ type: EnrolmentView })
  startEnrolment(
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: AuthSession,
    @Body() body: StartEnrolmentDto,
    @Req() req: FastifyRequest,
  ): Promise<EnrolmentView> {
    return this.auth.startEnrolment(user, session, body.password, address(req));
  }

  @Post('2fa/enrolment/confirm')
  @HttpCode(200)
  @Auth()
  @AllowPending()
  @ApiOperation({
    summary: 'Confirm the pending key with its first code: it becomes the factor; ten recovery codes, shown once',
  })
  @ApiOkResponse({ type: RecoveryCodesView })
  async confirmEnrolment(@CurrentUser() user: AuthUser, @Body() body: ConfirmEnrolmentDto): Promise<RecoveryCodesView> {
    return { recoveryCodes: await this.twoFactor.confirm(user.id, body.code) };
  }

  @Post('2fa/remove')
  @HttpCode(204)
  @Auth()
  @ApiOperation({ summary: 'Remove the own second factor (password required; not for roles in REQUIRE_2FA_ROLES)' })
  @ApiNoContentResponse()
  async removeFactor(
    @CurrentUser() user: AuthUser,
    @Body() body: PasswordDto,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.auth.removeTwoFactor(user, body.password, address(req));
  }

  @Get('sessions')
  @Auth()
  @ApiOperation({ summary: 'The own live sessions, newest first' })
  @ApiOkResponse({ type: [SessionView] })
  async listSessions(@CurrentUser() user: AuthUser, @CurrentSession() session: AuthSession): Promise<SessionView[]> {
    return (await this.sessions.list(user.id)).map((s) => ({
      id: s.id,
      createdAt: toVnIso(s.createdAt),
      lastUsedAt: toVnIso(s.lastUsedAt),
      expiresAt: toVnIso(s.expiresAt),
      userAgent: s.userAgent,
      current: s.id === session.sessionId,
    }));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Auth()
  @ApiOperation({ summary: 'End one of the own sessions (another official’s: 404)' })
  @ApiNoContentResponse()
  async endSession(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    if (!(await this.sessions.end(user.id, id, 'ENDED_BY_OWNER'))) throw new AppError(IdentityErrors.SESSION_NOT_FOUND);
  }
}
