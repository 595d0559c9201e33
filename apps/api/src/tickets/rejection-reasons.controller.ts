import { Controller, Get, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { langFrom } from '@phananh/core';
import { REJECTION_REASONS } from '@phananh/tickets';
import { RejectionReasonView } from './ticket.views';

@ApiTags('reference')
@Controller('api/v1/reference')
export class RejectionReasonsController {
  @Get('rejection-reasons')
  @ApiOperation({
    summary:
      "The standard rejection reasons of the health ministry's process, and OTHER, each with its default note and the citizen's next step",
  })
  @ApiOkResponse({ type: [RejectionReasonView] })
  list(@Headers('accept-language') acceptLanguage?: string): RejectionReasonView[] {
    const lang = langFrom(acceptLanguage);
    return REJECTION_REASONS.map((r) => ({
      code: r.code,
      text: r.text[lang],
      requiresNote: r.code === 'OTHER',
      defaultNote: r.defaultNote?.[lang] ?? null,
      nextStep: r.nextStep[lang],
    }));
  }
}
