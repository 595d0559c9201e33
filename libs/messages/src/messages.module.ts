import { Module } from '@nestjs/common';
import { AlertsModule } from '@phananh/alerts';
import { CitizenMessageSink } from './message-sink';
import { MessageSender } from './message-sender.service';
import { OptOutService } from './opt-out.service';
import { ResendCodeService } from './resend-code.service';
import { JsonSmsGateway, SMS_GATEWAY } from './sms-gateway';

/**
 * Messages to citizens: the relay's sink, the sender (SMS through SMS_GATEWAY, e-mail through
 * the shared Mailer), opt-out and the lost-code SMS. Another SMS provider: provide its adapter
 * under SMS_GATEWAY instead of JsonSmsGateway.
 */
@Module({
  imports: [AlertsModule],
  providers: [
    { provide: SMS_GATEWAY, useClass: JsonSmsGateway },
    CitizenMessageSink,
    MessageSender,
    OptOutService,
    ResendCodeService,
  ],
  exports: [SMS_GATEWAY, CitizenMessageSink, MessageSender, OptOutService, ResendCodeService],
})
export class MessagesModule {}
