import { Module, Type } from '@nestjs/common';
import { AlertsModule } from '@phananh/alerts';
import { MessagesModule } from '@phananh/messages';
import { TicketEventRelayModule } from '@phananh/ticket-store';
import { MessagesProcessor } from './messages.processor';
import { RelayProcessor } from './relay.processor';

/**
 * The modules that provide ticket-event sinks (@TicketEventSinkProvider): the relay finds every
 * such provider of the worker's module graph; a new sink's module is added here.
 */
export const RELAY_SINK_MODULES: Type[] = [AlertsModule, MessagesModule];

/** The ticket-event relay's jobs (drain the outbox into the sinks, redeliver what Redis lost) and the sinks' own jobs. */
@Module({
  imports: [TicketEventRelayModule, ...RELAY_SINK_MODULES],
  providers: [RelayProcessor, MessagesProcessor],
})
export class RelayJobsModule {}
