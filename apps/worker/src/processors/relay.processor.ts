import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, JobOutcome } from '@phananh/queue';
import { TicketEventRelay } from '@phananh/ticket-store';

/** The relay's handlers: dispatch only, the relay and its sinks live in the libs. */
@Injectable()
export class RelayProcessor {
  constructor(private readonly relay: TicketEventRelay) {}

  /** Counts only (`{ events, batches }`). */
  @JobHandler(JobName.TicketEventRelay)
  async relayEvents(): Promise<JobOutcome> {
    return { ...(await this.relay.run()) };
  }

  /** How many deliveries each sink re-enqueued. */
  @JobHandler(JobName.RelayRedeliver)
  redeliver(): Promise<JobOutcome> {
    return this.relay.redeliver();
  }
}
