import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QueueService } from '@phananh/queue';
import { QueueMetrics } from './queue-metrics.service';
import { QueuesAuthMiddleware } from './queues-auth.middleware';

export const QUEUES_DASHBOARD_PATH = '/admin/queues';

/** Bull Board at /admin/queues (ADMIN only), and the queues' depth and latency in /metrics. */
@Module({ providers: [QueueMetrics, QueuesAuthMiddleware] })
export class QueuesDashboardModule implements NestModule {
  constructor(private readonly queues: QueueService) {}

  configure(consumer: MiddlewareConsumer): void {
    const board = new ExpressAdapter();
    board.setBasePath(QUEUES_DASHBOARD_PATH);
    // @bull-board/express 9.10.1 nests its own @bull-board/api, whose private fields make the types differ; same shape.
    createBullBoard({ queues: this.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: board as never });
    consumer.apply(QueuesAuthMiddleware, board.getRouter()).forRoutes(QUEUES_DASHBOARD_PATH);
  }
}
