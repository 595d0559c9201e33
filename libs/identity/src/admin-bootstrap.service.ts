import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@phananh/core';
import { UsersService } from './users.service';

/** ADMIN_USERNAME/ADMIN_PASSWORD: the first admin, created at start-up when there is none. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly users: UsersService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_USERNAME: username, ADMIN_PASSWORD: password } = this.config;
    if (!username || !password) return;
    if (await this.users.ensureAdmin(username, password)) this.logger.log({ username }, 'first admin created');
  }
}
