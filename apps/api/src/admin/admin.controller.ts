import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AppError, Clock, CommonErrors, toVnIso } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role, isNationalAdmin } from '@phananh/identity';
import { Campaign, CampaignsService } from '@phananh/sla';
import { CampaignView, CreateCampaignDto } from './admin.dto';

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
    private readonly campaigns: CampaignsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

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
  @ApiForbiddenResponse({ description: 'A provincial admin: campaigns are the whole country’s' })
  async createCampaign(@CurrentUser() actor: AuthUser, @Body() body: CreateCampaignDto): Promise<CampaignView> {
    // A campaign's dates bind every province: only a national admin sets them.
    if (!isNationalAdmin(actor)) throw new AppError(CommonErrors.FORBIDDEN);
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
