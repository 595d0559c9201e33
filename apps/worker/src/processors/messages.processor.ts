import { Injectable } from '@nestjs/common';
import { MessageSender, ResendCodeService } from '@phananh/messages';
import { JobHandler, JobName, JobOutcome, JobPayloads } from '@phananh/queue';

/** The messages queue's handlers: dispatch only, the messages live in libs/messages. */
@Injectable()
export class MessagesProcessor {
  constructor(
    private readonly sender: MessageSender,
    private readonly lostCodes: ResendCodeService,
  ) {}

  @JobHandler(JobName.CitizenMessage)
  send(data: JobPayloads[JobName.CitizenMessage]): Promise<JobOutcome> {
    return this.sender.send(data.deliveryId);
  }

  /** 'done' whether or not anything matched: the job's record in Redis says nothing about the citizen. */
  @JobHandler(JobName.ResendCodes)
  sendLostCodes(data: JobPayloads[JobName.ResendCodes]): Promise<JobOutcome> {
    return this.lostCodes.process(data.requestId);
  }
}
