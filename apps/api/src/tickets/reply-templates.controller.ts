import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEnum, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { toVnIso } from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { REJECTION_REASONS, ReplyTemplate, ReplyTemplateKind, ReplyTemplates } from '@phananh/tickets';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const REASON_CODES = REJECTION_REASONS.map((r) => r.code);
const NOT_FOUND = 'No such template, or not one you manage (indistinguishable)';

export class ReplyTemplateQueryDto {
  @ApiPropertyOptional({
    description:
      'Only the templates for a ticket of this unit (its own and those of the units above it); a unit outside your ' +
      'reach gives an empty list',
    example: '00001',
  })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;

  @ApiPropertyOptional({ enum: ReplyTemplateKind })
  @IsOptional()
  @IsEnum(ReplyTemplateKind)
  kind?: ReplyTemplateKind;

  @ApiPropertyOptional({ enum: REASON_CODES, description: 'Those of this rejection reason and those of any reason' })
  @IsOptional()
  @IsIn(REASON_CODES)
  reasonCode?: string;
}

class TemplateTextDto {
  @ApiProperty({ example: 'Đã bổ sung mũi tiêm trên Nền tảng quản lý tiêm chủng.' })
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  vi: string;

  @ApiPropertyOptional({
    example: 'The dose was added to the vaccination platform.',
    description: 'Default: the Vietnamese',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  en?: string;
}

export class ReplyTemplateDto {
  @ApiProperty({ enum: ReplyTemplateKind })
  @IsEnum(ReplyTemplateKind)
  kind: ReplyTemplateKind;

  @ApiPropertyOptional({ enum: REASON_CODES, description: 'REJECTION only: the reason it goes with (default: any)' })
  @IsOptional()
  @IsIn(REASON_CODES)
  reasonCode?: string;

  @ApiProperty({ example: 'Đã bổ sung mũi 2', description: 'A short name, shown in the pickers' })
  @Transform(trim)
  @IsString()
  @Length(1, 120)
  title: string;

  @ApiProperty({ type: TemplateTextDto })
  @ValidateNested()
  @Type(() => TemplateTextDto)
  text: TemplateTextDto;
}

export class NewReplyTemplateDto extends ReplyTemplateDto {
  @ApiPropertyOptional({ description: 'A unit in your reach (default: your own unit)', example: '001' })
  @IsOptional()
  @Matches(/^\d{2,5}$/)
  unitCode?: string;
}

class TemplateTextView {
  @ApiProperty() vi: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: the Vietnamese is used' }) en: string | null;
}

export class ReplyTemplateView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '001', description: 'The unit whose template it is (offered to it and the units below)' })
  unitCode: string;
  @ApiProperty({ enum: ReplyTemplateKind }) kind: string;
  @ApiProperty({ nullable: true, type: String }) reasonCode: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: TemplateTextView }) text: TemplateTextView;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'You manage it (a supervisor of its unit or above, or an admin)' }) editable: boolean;
}

const view = (t: ReplyTemplate, editable: boolean): ReplyTemplateView => ({
  id: t.id,
  unitCode: t.unitCode,
  kind: t.kind,
  reasonCode: t.reasonCode,
  title: t.title,
  text: { vi: t.text.vi, en: t.text.en },
  updatedAt: toVnIso(t.updatedAt),
  editable,
});

@ApiTags('officials')
@Controller('api/v1/reply-templates')
export class ReplyTemplatesController {
  constructor(private readonly templates: ReplyTemplates) {}

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Reply templates you may use: those of your unit and the units above it (supervisors: and below it)',
  })
  @ApiOkResponse({ type: [ReplyTemplateView] })
  async list(@CurrentUser() user: AuthUser, @Query() q: ReplyTemplateQueryDto): Promise<ReplyTemplateView[]> {
    return (await this.templates.list(user, q)).map((t) => view(t, t.editable));
  }

  @Post()
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Supervisors: a new template of a unit in your reach (default your own)' })
  @ApiCreatedResponse({ type: ReplyTemplateView })
  @ApiBadRequestResponse({ description: 'A bad body, or a unit outside your reach (TEMPLATE_UNIT_OUTSIDE_REACH)' })
  async create(@CurrentUser() user: AuthUser, @Body() body: NewReplyTemplateDto): Promise<ReplyTemplateView> {
    const { unitCode, ...input } = body;
    return view(await this.templates.create(user, unitCode, input), true);
  }

  @Put(':id')
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Supervisors: change a template you manage (its unit stays)' })
  @ApiOkResponse({ type: ReplyTemplateView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: ReplyTemplateDto,
  ): Promise<ReplyTemplateView> {
    return view(await this.templates.update(user, id, body), true);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Supervisors: delete a template you manage' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.templates.remove(user, id);
  }
}
