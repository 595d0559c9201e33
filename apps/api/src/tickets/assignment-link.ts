import { Injectable, OnModuleInit } from '@nestjs/common';
import { UsersService } from '@phananh/identity';
import { TicketAssignments } from '@phananh/tickets';

/** A disabled official's open tickets go back to their units, in the transaction that disables the account. */
@Injectable()
export class AssignmentLink implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly assignments: TicketAssignments,
  ) {}

  onModuleInit(): void {
    this.users.onAccountDisabled((m, userId, now) => this.assignments.releaseAccount(m, userId, now));
  }
}
