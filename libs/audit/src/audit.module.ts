import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log.service';

/**
 * The audit log. Imported by each module that records (Nest keeps one instance); it needs
 * only the database and the Clock, so any domain lib (identity too) can use it without a cycle.
 */
@Module({ providers: [AuditLog], exports: [AuditLog] })
export class AuditModule {}
