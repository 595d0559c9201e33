import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { langFrom } from '@phananh/core';
import { OptOutService, ResendCodeService } from '@phananh/messages';
import { RateLimit } from '../http/rate-limit/rate-limit';
import { OptOutAnswerDto, OptOutDto, ResendCodeAnswerDto, ResendCodeDto } from './messages.dto';

@ApiTags('public')
@Controller('api/v1/reports')
export class MessagesController {
  constructor(
    private readonly resendCodes: ResendCodeService,
    private readonly optOuts: OptOutService,
  ) {}

  @Post('resend-code')
  @HttpCode(202)
  @ApiOperation({
    summary: 'A lost tracking code: the codes of open reports, by SMS to the phone on file (no login)',
    description:
      'With the identity number and the phone given when filing. The answer is the same 202 and body whether ' +
      'anything matched or not, after the same work (nothing is looked up before answering); the worker then sends ' +
      'the codes of the open reports filed with that identity number and that phone, by SMS to that phone. ' +
      'At most RATE_LIMIT_RESEND_CODES_PER_HOUR requests per client address and per identity number.',
  })
  @ApiAcceptedResponse({ type: ResendCodeAnswerDto })
  @ApiBadRequestResponse({ description: 'A malformed identity number or phone (the format only)' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests from this address or for this identity number' })
  resendCode(@Body() body: ResendCodeDto, @Req() req: FastifyRequest): Promise<ResendCodeAnswerDto> {
    return this.resendCodes.request(body, req.ip ?? 'unknown', langFrom(req.headers['accept-language']));
  }

  @Post('opt-out')
  @HttpCode(200)
  @RateLimit('lookups')
  @ApiOperation({
    summary: 'Stop the messages about a report (no login)',
    description:
      "With the tracking code and either the token of a message's link or the report's identity number (the status " +
      'page). Idempotent. A wrong token, a wrong identity number and an unknown code are the same 404. Counted with the lookups.',
  })
  @ApiOkResponse({ type: OptOutAnswerDto })
  @ApiNotFoundResponse({ description: 'No report matches' })
  @ApiBadRequestResponse({ description: 'A malformed tracking code, or neither token nor identity number' })
  @ApiTooManyRequestsResponse({ description: 'Too many lookups from this address; see Retry-After' })
  optOut(@Body() body: OptOutDto): Promise<OptOutAnswerDto> {
    return this.optOuts.optOut(body);
  }
}
