import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Auth, AuthService, AuthUser, CurrentUser } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { AccessTokenView, LoginDto, MeView } from './login.dto';

@ApiTags('officials')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly reference: ReferenceService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password; disabled accounts are refused like a wrong password' })
  @ApiOkResponse({ type: AccessTokenView })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts for this username or from this address' })
  login(@Body() body: LoginDto, @Req() req: Request): Promise<AccessTokenView> {
    return this.auth.login(body.username, body.password, req.ip ?? 'unknown');
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The logged-in official' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentUser() user: AuthUser): MeView {
    return {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      role: user.role,
      unit: user.unitCode && this.reference.unit(user.unitCode) ? this.reference.unitRef(user.unitCode) : null,
    };
  }
}
