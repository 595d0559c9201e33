import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { coreValidation, toVnIso, validationError } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { Open311Key, Open311KeysService } from '@phananh/open311';
import { ClientAddress } from '../http/client-address';
import { CreateOpen311KeyDto, IssuedOpen311KeyView, Open311KeyView } from './open311-keys.dto';

const DEFAULT_REQUESTS_PER_MINUTE = 60;
const badId = () => validationError([coreValidation.fieldError('id', 'isUUID')]);

const keyView = (k: Open311Key): Open311KeyView => ({
  id: k.id,
  name: k.name,
  keyPrefix: k.keyPrefix,
  requestsPerMinute: k.requestsPerMinute,
  createdAt: toVnIso(k.createdAt),
  revokedAt: k.revokedAt ? toVnIso(k.revokedAt) : null,
});

@ApiTags('admin')
@Controller('api/v1/admin/open311-keys')
@Auth(Role.Admin)
export class Open311KeysController {
  constructor(private readonly keys: Open311KeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Issue an Open311 api_key to a partner system (audited); the key is in this answer only',
    description: 'Each key has its own limit of POST requests per minute. Only a SHA-256 of the key is stored.',
  })
  @ApiCreatedResponse({ type: IssuedOpen311KeyView })
  async issue(
    @CurrentUser() admin: AuthUser,
    @Body() body: CreateOpen311KeyDto,
    @ClientAddress() clientAddress: string | null,
  ): Promise<IssuedOpen311KeyView> {
    const issued = await this.keys.issue(
      { name: body.name, requestsPerMinute: body.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE },
      { actor: admin, clientAddress },
    );
    return { ...keyView(issued), key: issued.key };
  }

  @Get()
  @ApiOperation({ summary: 'Open311 api keys, newest first (never the keys themselves)' })
  @ApiOkResponse({ type: [Open311KeyView] })
  async list(): Promise<Open311KeyView[]> {
    return (await this.keys.list()).map(keyView);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an Open311 api key (audited): its next request is refused with 403' })
  @ApiOkResponse({ type: Open311KeyView })
  @ApiNotFoundResponse({ description: 'No such key' })
  @ApiConflictResponse({ description: 'The key is already revoked' })
  async revoke(
    @CurrentUser() admin: AuthUser,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => badId() })) id: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<Open311KeyView> {
    return keyView(await this.keys.revoke(id, { actor: admin, clientAddress }));
  }
}
