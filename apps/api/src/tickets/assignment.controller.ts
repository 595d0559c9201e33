import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, AuthUser, CurrentUser, Role } from '@phananh/identity';
import { TicketAssignments } from '@phananh/tickets';
import { AssignDto, AssigneeCandidateView, ClaimDto, DistributionDto, DistributionView } from './assignment.dto';
import { TicketDetailView } from './ticket.views';

const NOT_FOUND = 'No such ticket, or outside your reach (indistinguishable)';
const CONFLICT =
  'The ticket is closed (transition-not-allowed), changed since the version sent or by someone else meanwhile ' +
  '(ticket-changed), or (claim) another official has it (already-assigned)';

/** Personal assignment of tickets (docs/api.md, "Personal assignment"). */
@ApiTags('officials')
@Controller('api/v1')
export class AssignmentController {
  constructor(private readonly assignments: TicketAssignments) {}

  @Post('tickets/:trackingCode/claim')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Take an open ticket of your own unit for yourself, while no other official has it' })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiForbiddenResponse({ description: 'The ticket is not of your own unit (claim-not-own-unit)' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  claim(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: ClaimDto,
  ): Promise<TicketDetailView> {
    return this.assignments.claim(user, code, body.version);
  }

  @Post('tickets/:trackingCode/assign')
  @HttpCode(200)
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({
    summary: 'Supervisors: give an open ticket in your reach to an active official of its unit, or back to the unit',
  })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiBadRequestResponse({ description: 'assigneeId is not an active official of the ticket’s unit' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  assign(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: AssignDto,
  ): Promise<TicketDetailView> {
    return this.assignments.assign(user, code, body.assigneeId, body.version);
  }

  @Post('tickets/:trackingCode/unassign')
  @HttpCode(200)
  @Auth()
  @ApiOperation({ summary: 'Give the ticket back to its unit: its assignee, or a supervisor in reach' })
  @ApiOkResponse({ type: TicketDetailView })
  @ApiForbiddenResponse({ description: 'An officer who does not have the ticket' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: CONFLICT })
  unassign(
    @CurrentUser() user: AuthUser,
    @Param('trackingCode') code: string,
    @Body() body: ClaimDto,
  ): Promise<TicketDetailView> {
    return this.assignments.unassign(user, code, body.version);
  }

  @Get('tickets/:trackingCode/assignees')
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Supervisors: who the ticket can be assigned to (active officials of its unit)' })
  @ApiOkResponse({ type: AssigneeCandidateView, isArray: true })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  assignees(@CurrentUser() user: AuthUser, @Param('trackingCode') code: string): Promise<AssigneeCandidateView[]> {
    return this.assignments.candidates(user, code);
  }

  @Get('units/:unitCode/distribution')
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Supervisors: whether the unit hands its arriving tickets to its officers, round robin' })
  @ApiOkResponse({ type: DistributionView })
  @ApiNotFoundResponse({ description: 'No such unit, or outside your reach (indistinguishable)' })
  distribution(@CurrentUser() user: AuthUser, @Param('unitCode') unitCode: string): Promise<DistributionView> {
    return this.assignments.distribution(user, unitCode);
  }

  @Put('units/:unitCode/distribution')
  @Auth(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Supervisors: switch the unit’s automatic distribution on or off' })
  @ApiOkResponse({ type: DistributionView })
  @ApiNotFoundResponse({ description: 'No such unit, or outside your reach (indistinguishable)' })
  setDistribution(
    @CurrentUser() user: AuthUser,
    @Param('unitCode') unitCode: string,
    @Body() body: DistributionDto,
  ): Promise<DistributionView> {
    return this.assignments.setDistribution(user, unitCode, body.enabled);
  }
}
