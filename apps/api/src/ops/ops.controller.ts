import { Controller, Get, Header, HttpCode, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, Clock, CommonErrors, toVnIso, withTimeout } from '@phananh/core';
import { ShutdownState } from '@phananh/platform';
import { RedisClient } from '@phananh/redis';
import { bearerMatches } from './metrics-token';
import { MetricsService } from './metrics.service';

type Check = { status: 'up' | 'down'; detail?: string };

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
    private readonly metrics: MetricsService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly shutdown: ShutdownState,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'up' };
  }

  /** Ready when PostgreSQL answers, Redis answers, and Redis will never evict a queue key; not while draining for shutdown. */
  @Get('health/ready')
  async ready(@Res() reply: FastifyReply) {
    if (this.shutdown.draining) {
      void reply.code(503).send({ status: 'draining', checks: {} });
      return;
    }
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const ok = database.status === 'up' && redis.status === 'up';
    void reply.code(ok ? 200 : 503).send({ status: ok ? 'up' : 'down', checks: { database, redis } });
  }

  /** The whole cluster's metrics (MetricsService.text). With METRICS_TOKEN set (always in production), only to `Authorization: Bearer <METRICS_TOKEN>`. */
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'no-store')
  async prometheus(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const token = this.config.METRICS_TOKEN;
    if (token && !bearerMatches(req.headers.authorization, token)) {
      throw new AppError(CommonErrors.UNAUTHORIZED, undefined, [], { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    void reply.type(this.metrics.registry.contentType).send(await this.metrics.text());
  }

  @Get('api/v1/clock')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The service clock: `{ now, speed }`' })
  clockNow() {
    return { now: toVnIso(this.clock.now()), speed: this.clock.speed };
  }

  private async checkDatabase(): Promise<Check> {
    try {
      await withTimeout(this.db.query('SELECT 1'), 2000);
      return { status: 'up' };
    } catch {
      return { status: 'down', detail: 'PostgreSQL does not answer' };
    }
  }

  private async checkRedis(): Promise<Check> {
    try {
      const info = await withTimeout(this.redis.redis.info('memory'), 2000);
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
      if (policy !== 'noeviction') {
        return { status: 'down', detail: `maxmemory-policy is ${policy ?? 'unknown'}; BullMQ needs noeviction` };
      }
      return { status: 'up' };
    } catch {
      return { status: 'down', detail: 'Redis does not answer' };
    }
  }
}
