import { Injectable } from '@nestjs/common';

/**
 * Whether the process is on its way out: set on SIGTERM (boot.ts), after which
 * `/health/ready` answers 503 for SHUTDOWN_DRAIN_MS while requests are still served, so that a
 * load balancer stops sending new connections before the listening socket closes.
 */
@Injectable()
export class ShutdownState {
  draining = false;
}
