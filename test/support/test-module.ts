import { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, FakeClock } from '@phananh/core';
import { PlatformModule } from '@phananh/platform';
import { IsolatedEnv, isolatedEnv } from './test-database';
import { LogCapture } from './log-capture';
import { testConfig } from './test-app';

export interface TestModule {
  app: INestApplicationContext;
  db: DataSource;
  clock: Clock;
  env: IsolatedEnv;
  close(): Promise<void>;
}

/**
 * The platform (an isolated database and Redis prefix, the given clock) and the given
 * modules, without HTTP or the worker: for integration tests of a lib.
 */
export async function createTestModule(
  imports: (Type | DynamicModule)[],
  clock: Clock = new FakeClock(),
): Promise<TestModule> {
  const env = await isolatedEnv();
  const moduleRef = await Test.createTestingModule({
    imports: [PlatformModule.forRoot({ config: testConfig(env), clock, logStream: new LogCapture() }), ...imports],
  }).compile();
  const app = await moduleRef.init();
  return {
    app,
    db: app.get<DataSource>(getDataSourceToken()),
    clock,
    env,
    async close() {
      await app.close();
      await env.drop();
    },
  };
}
