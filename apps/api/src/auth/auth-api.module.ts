import { Module } from '@nestjs/common';
import { IdentityModule } from '@phananh/identity';
import { RoutingModule } from '@phananh/routing';
import { AuthController } from './auth.controller';
import { StaffingLink } from './staffing-link';

@Module({ imports: [IdentityModule, RoutingModule], controllers: [AuthController], providers: [StaffingLink] })
export class AuthApiModule {}
