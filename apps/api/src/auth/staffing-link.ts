import { Injectable, OnModuleInit } from '@nestjs/common';
import { UsersService } from '@phananh/identity';
import { RoutingService } from '@phananh/routing';

/** Creating or disabling an official changes which units are staffed: routing must see it at once. */
@Injectable()
export class StaffingLink implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly routing: RoutingService,
  ) {}

  onModuleInit(): void {
    this.users.onStaffingChange(() => this.routing.invalidate());
  }
}
