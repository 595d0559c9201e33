import { Module } from '@nestjs/common';
import { Open311Module } from '@phananh/open311';
import { RateLimitModule } from '../http/rate-limit/rate-limit';
import { GeoReportController } from './georeport.controller';
import { Open311KeysController } from './open311-keys.controller';

@Module({ imports: [Open311Module, RateLimitModule], controllers: [GeoReportController, Open311KeysController] })
export class Open311ApiModule {}
