import 'reflect-metadata';
import { boot } from '@phananh/platform';
import { createApiApp } from '../../api/src/create-api-app';
import { WorkerModule } from '../../worker/src/worker.module';

/** `npm start`: the HTTP API and the job worker in one process, the composition of apps/api and apps/worker. */
void boot(async (options) => {
  const app = await createApiApp(options, [WorkerModule.forRoot()]);
  await app.listen(options.config.PORT);
  return app;
});
