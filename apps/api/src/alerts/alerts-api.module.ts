import { Module } from '@nestjs/common';
import { AlertsModule } from '@phananh/alerts';
import { AlertsController } from './alerts.controller';

@Module({ imports: [AlertsModule], controllers: [AlertsController] })
export class AlertsApiModule {}
