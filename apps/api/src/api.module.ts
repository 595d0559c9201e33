import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { PlatformModule, PlatformOptions } from '@phananh/platform';
import { SlaCoreModule } from '@phananh/sla';
import { API_FEATURES } from './features';
import { ProblemFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation.pipe';
import { MetricsModule } from './ops/metrics.module';
import { OpsController } from './ops/ops.controller';
import { ReferenceController } from './ops/reference.controller';

@Module({})
export class ApiModule {
  static forRoot(options: PlatformOptions, extra: DynamicModule[] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot(options), SlaCoreModule, MetricsModule, ...API_FEATURES, ...extra],
      controllers: [OpsController, ReferenceController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
