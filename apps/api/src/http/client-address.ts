import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';

/** The client's address as Express gives it (`req.ip`, after TRUST_PROXY), or null. */
export const ClientAddress = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | null => ctx.switchToHttp().getRequest<Request>().ip ?? null,
);
