import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { AuditAction, AuditLog } from '@phananh/audit';
import { coreValidation, validationError } from '@phananh/core';
import { Auth, AuthService, AuthUser, CurrentUser, Role, User, UsersService } from '@phananh/identity';
import { ClientAddress } from '../http/client-address';

const badId = () => validationError([coreValidation.fieldError('id', 'isUUID')]);
const idPipe = new ParseUUIDPipe({ exceptionFactory: () => badId() });

export class TemporaryPasswordView {
  @ApiProperty({
    description: 'One-time temporary password, shown once: the official must change it at the next sign-in',
    example: 'aB3dE-fG4hJ-kL5mN-pQ6rS',
  })
  temporaryPassword: string;
}

/** An admin's actions on another official's sign-in: reset the password, reset the second factor. Both audited. */
@ApiTags('admin')
@Controller('api/v1/admin/users')
@Auth(Role.Admin)
export class AccountSecurityController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
  ) {}

  /** The official `actor` may manage: the one place the admin's reach is decided for these actions. */
  /** The official `id` if the actor administers them (a provincial admin: their province), else 404. */
  private managedUser(actor: AuthUser, id: string): Promise<User> {
    return this.users.getManaged(actor, id);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Give an official a one-time temporary password (returned once): every session ends, and the password must be changed at the next sign-in',
  })
  @ApiOkResponse({ type: TemporaryPasswordView })
  @ApiNotFoundResponse({ description: 'No such official (or outside the admin’s reach)' })
  async resetPassword(
    @CurrentUser() actor: AuthUser,
    @Param('id', idPipe) id: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<TemporaryPasswordView> {
    const target = await this.managedUser(actor, id);
    const temporaryPassword = await this.auth.resetPassword(target.id);
    await this.audit.record({
      action: AuditAction.PasswordReset,
      actor,
      subject: { id: target.id, username: target.username },
      details: { passwordChangeRequired: true, sessionsEnded: true },
      clientAddress,
    });
    return { temporaryPassword };
  }

  @Post(':id/reset-2fa')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove an official’s second factor and recovery codes (every session ends; a role that needs one enrols again at sign-in)',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such official (or outside the admin’s reach)' })
  async resetTwoFactor(
    @CurrentUser() actor: AuthUser,
    @Param('id', idPipe) id: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<void> {
    const target = await this.managedUser(actor, id);
    await this.auth.resetTwoFactor(target.id);
    await this.audit.record({
      action: AuditAction.TwoFactorReset,
      actor,
      subject: { id: target.id, username: target.username },
      details: { hadFactor: !!target.totpEnrolledAt, sessionsEnded: true },
      clientAddress,
    });
  }
}
