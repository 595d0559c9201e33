import { Type } from '@nestjs/common';
import { AdminApiModule } from './admin/admin-api.module';
import { AlertsApiModule } from './alerts/alerts-api.module';
import { AuthApiModule } from './auth/auth-api.module';
import { Open311ApiModule } from './open311/open311-api.module';
import { ExportsApiModule } from './exports/exports-api.module';
import { QueuesDashboardModule } from './queues-dashboard/queues-dashboard.module';
import { MessagesApiModule } from './messages/messages-api.module';
import { ReportsApiModule } from './reports/reports-api.module';
import { SlaApiModule } from './sla/sla-api.module';
import { TicketsApiModule } from './tickets/tickets-api.module';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';
import { WebModule } from './web/web.module';

/** The HTTP feature modules (controllers per domain). Each domain adds its module here. */
export const API_FEATURES: Type[] = [
  AuthApiModule,
  AdminApiModule,
  ReportsApiModule,
  MessagesApiModule,
  TicketsApiModule,
  WebModule,
  AlertsApiModule,
  SlaApiModule,
  ExportsApiModule,
  WebhooksApiModule,
  Open311ApiModule,
  QueuesDashboardModule,
];
