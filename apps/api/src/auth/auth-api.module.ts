import { Module } from '@nestjs/common';
import { IdentityModule } from '@phananh/identity';
import { AuthController } from './auth.controller';

@Module({ imports: [IdentityModule], controllers: [AuthController] })
export class AuthApiModule {}
