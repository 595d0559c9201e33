import type { FastifyInstance } from 'fastify';
import { MetricsService } from './metrics.service';

/**
 * Times every request once it is answered, labelled by the route's pattern (never the raw URL,
 * which may carry codes; `unmatched` when no route took it). Fastify measured the time itself.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
