import { Module } from '@nestjs/common';
import { AuditModule } from '@phananh/audit';
import { AdminController } from './admin.controller';
import { AuditController } from './audit.controller';

@Module({ imports: [AuditModule], controllers: [AdminController, AuditController] })
export class AdminApiModule {}
