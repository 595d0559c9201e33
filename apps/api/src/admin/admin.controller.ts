import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, KeysetCursor, coreValidation, toVnIso, validationError } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role, User, UsersService } from '@phananh/identity';
import { Campaign, CampaignsService } from '@phananh/sla';
import { CampaignView, CreateCampaignDto, CreateUserDto, UserListQueryDto, UserPageView, UserView } from './admin.dto';

const badId = () => validationError([coreValidation.fieldError('id', 'isUUID')]);

/** The last lower-cased username seen: the users list is ordered by lower(username). */
const USER_CURSOR = new KeysetCursor(['text']);

const userView = (u: User): UserView => ({
  id: u.id,
  username: u.username,
  fullName: u.fullName,
  role: u.role,
  unitCode: u.unitCode,
  email: u.email,
  createdAt: toVnIso(u.createdAt),
  disabledAt: u.disabledAt ? toVnIso(u.disabledAt) : null,
});

const campaignView = (c: Campaign): CampaignView => ({
  code: c.code,
  name: c.name,
  intakeFrom: toVnIso(c.intakeFrom),
  intakeTo: toVnIso(c.intakeTo),
  cutoffAt: toVnIso(c.cutoffAt),
  handlingHours: c.handlingHours,
  dueSoonHours: c.dueSoonHours,
  escalateAfterHours: c.escalateAfterHours,
  createdAt: toVnIso(c.createdAt),
});

@ApiTags('admin')
@Controller('api/v1/admin')
@Auth(Role.Admin)
export class AdminController {
  constructor(
    private readonly users: UsersService,
    private readonly campaigns: CampaignsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Post('users')
  @ApiOperation({ summary: 'Create an official (officers and supervisors belong to a unit)' })
  @ApiCreatedResponse({ type: UserView })
  @ApiConflictResponse({ description: 'The username is taken (case-insensitively)' })
  async createUser(@Body() body: CreateUserDto): Promise<UserView> {
    return userView(await this.users.create(body));
  }

  @Get('users')
  @ApiOperation({ summary: 'Officials, by username' })
  @ApiOkResponse({ type: UserPageView })
  async listUsers(@Query() q: UserListQueryDto): Promise<UserPageView> {
    const limit = q.limit ?? 100;
    const after = q.cursor === undefined ? undefined : USER_CURSOR.decode(q.cursor)[0];
    const rows = await this.users.list({ role: q.role, unitCode: q.unitCode, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      items: page.map(userView),
      nextCursor: rows.length > limit ? USER_CURSOR.encode([page[page.length - 1].username.toLowerCase()]) : null,
    };
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an official: no more logins, and existing tokens stop working at once' })
  @ApiOkResponse({ type: UserView })
  async disableUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => badId() })) id: string,
  ): Promise<UserView> {
    return userView(await this.users.disable(id, actor.id));
  }

  @Get('campaigns')
  @ApiOperation({ summary: 'Campaigns, by start of intake' })
  @ApiOkResponse({ type: [CampaignView] })
  async listCampaigns(): Promise<CampaignView[]> {
    this.campaigns.invalidate();
    return (await this.campaigns.list()).map(campaignView);
  }

  @Post('campaigns')
  @ApiOperation({ summary: 'Create a campaign: intakeFrom < intakeTo ≤ cutoffAt, handlingHours 1–720' })
  @ApiCreatedResponse({ type: CampaignView })
  @ApiConflictResponse({ description: 'A campaign with this code exists' })
  async createCampaign(@Body() body: CreateCampaignDto): Promise<CampaignView> {
    const created = await this.campaigns.create({
      code: body.code,
      name: body.name,
      intakeFrom: new Date(body.intakeFrom),
      intakeTo: new Date(body.intakeTo),
      cutoffAt: new Date(body.cutoffAt),
      handlingHours: body.handlingHours,
      createdAt: this.clock.now(),
    });
    return campaignView(created);
  }
}
