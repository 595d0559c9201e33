import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from '@phananh/core';
import { QueueService } from '@phananh/queue';
import { sendProblem } from '../http/problem';
import { QueueMetrics } from './queue-metrics.service';
import { QUEUES_DASHBOARD_PATH, QueuesAuth } from './queues-auth';

/** Bull Board at /admin/queues (ADMIN only), and the queues' depth and latency in /metrics. */
@Module({ providers: [QueueMetrics, QueuesAuth] })
export class QueuesDashboardModule implements OnModuleInit {
  constructor(
    private readonly queues: QueueService,
    private readonly auth: QueuesAuth,
    private readonly host: HttpAdapterHost,
  ) {}

  /**
   * Bull Board is a Fastify plugin, registered in an init hook (it loads when Fastify gets ready),
   * inside a context of its own under the path: the admission hook runs before every route of
   * the board, its pages, API and files alike, and before nothing else. It also runs before the
   * 404 of a path under /admin/queues that the board does not serve: the context answers those
   * itself, a GET with a catch-all (the pages' catch-all of files would take it otherwise) and any
   * other method with its own not-found handler.
   */
  onModuleInit(): void {
    const board = new FastifyAdapter();
    board.setBasePath(QUEUES_DASHBOARD_PATH);
    // @bull-board/fastify 9.10.1 nests its own @bull-board/api, whose private fields make the types differ; same shape.
    createBullBoard({ queues: this.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: board as never });
    void this.host.httpAdapter.getInstance<FastifyInstance>().register(
      async (dashboard) => {
        dashboard.addHook('onRequest', this.auth.hook);
        const notFound = (req: FastifyRequest, reply: FastifyReply) =>
          sendProblem(req, reply, new AppError(CommonErrors.NOT_FOUND));
        dashboard.get('/*', notFound);
        dashboard.setNotFoundHandler(notFound);
        await dashboard.register(board.registerPlugin());
      },
      { prefix: QUEUES_DASHBOARD_PATH },
    );
  }
}
