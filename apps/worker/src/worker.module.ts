import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { JobRegistry } from '@phananh/queue';
import { SlaCoreModule } from '@phananh/sla';
import { SchedulesService } from './schedules.service';
import { WORKER_FEATURES } from './features';
import { QueueWorkers } from './queue-workers.service';

/** The job side: the handlers (processors/, each calling a lib), their registry, and the BullMQ workers. */
@Module({})
export class WorkerModule {
  static forRoot(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DiscoveryModule, ScheduleModule.forRoot(), SlaCoreModule, ...WORKER_FEATURES],
      providers: [JobRegistry, QueueWorkers, SchedulesService],
    };
  }
}
