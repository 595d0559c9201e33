import { Type } from '@nestjs/common';
import { AdminApiModule } from './admin/admin-api.module';
import { AuthApiModule } from './auth/auth-api.module';
import { ReportsApiModule } from './reports/reports-api.module';
import { TicketsApiModule } from './tickets/tickets-api.module';

/** The HTTP feature modules (controllers per domain). Each domain adds its module here. */
export const API_FEATURES: Type[] = [AuthApiModule, AdminApiModule, ReportsApiModule, TicketsApiModule];
