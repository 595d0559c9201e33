import { Module } from '@nestjs/common';
import { MessagesModule } from '@phananh/messages';
import { RateLimitModule } from '../http/rate-limit/rate-limit';
import { MessagesController } from './messages.controller';

/** The citizen's side of messages: the lost code and opting out. */
@Module({
  imports: [MessagesModule, RateLimitModule],
  controllers: [MessagesController],
})
export class MessagesApiModule {}
