import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { PlatformModule, PlatformOptions } from '@phananh/platform';
import { WorkerModule } from './worker.module';

/** The worker without HTTP: an application context with the platform and the job side. */
export async function createWorker(options: PlatformOptions): Promise<INestApplicationContext> {
  @Module({ imports: [PlatformModule.forRoot(options), WorkerModule.forRoot()] })
  class WorkerRootModule {}
  const app = await NestFactory.createApplicationContext(WorkerRootModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  return app;
}
