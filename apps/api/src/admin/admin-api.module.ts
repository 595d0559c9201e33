import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { AccountSecurityController } from './account-security.controller';
import { AdminController } from './admin.controller';
import { AuditController } from './audit.controller';
import { UsersController } from './users.controller';

@Module({
  imports: [AuditModule],
  controllers: [AdminController, UsersController, AccountSecurityController, AuditController],
})
export class AdminApiModule {}
