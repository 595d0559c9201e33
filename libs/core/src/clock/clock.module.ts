import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from './clock';
import { SystemClock } from './system-clock';

@Global()
@Module({})
export class ClockModule {
  /** The system clock from CLOCK_START/SPEED/ANCHOR, or `clock` (a FakeClock in tests). */
  static forRoot(clock?: Clock): DynamicModule {
    return {
      module: ClockModule,
      providers: [
        clock
          ? { provide: Clock, useValue: clock }
          : {
              provide: Clock,
              inject: [AppConfig],
              useFactory: (config: AppConfig) =>
                new SystemClock({ start: config.CLOCK_START, speed: config.CLOCK_SPEED, anchor: config.CLOCK_ANCHOR }),
            },
      ],
      exports: [Clock],
    };
  }
}
