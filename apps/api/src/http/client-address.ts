import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The client's address as Fastify gives it (`req.ip`, after TRUST_PROXY), or null. */
export const ClientAddress = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | null => ctx.switchToHttp().getRequest<FastifyRequest>().ip ?? null,
);
