import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { SendMailOptions, Transporter, createTransport } from 'nodemailer';
import { AppConfig } from '@phananh/core';

/**
 * The one SMTP transport of a process (SMTP_URL, sender SMTP_FROM), shared by alert e-mail and
 * messages to citizens. `configured` is false without SMTP_URL: callers then skip e-mail.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.SMTP_URL;
  }

  async send(mail: SendMailOptions): Promise<void> {
    this.transport ??= createTransport(this.config.SMTP_URL!, { from: this.config.SMTP_FROM });
    await this.transport.sendMail(mail);
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
