import { Module } from '@nestjs/common';
import { RoutingService } from './routing.service';
import { StaffedUnits } from './staffed-units';

@Module({ providers: [RoutingService, StaffedUnits], exports: [RoutingService] })
export class RoutingModule {}
