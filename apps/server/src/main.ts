import 'reflect-metadata';
import { createApiApp } from '../../api/src/create-api-app';
import { WorkerModule } from '../../worker/src/worker.module';
import { boot } from './boot';

/** `npm start`: the HTTP API and the job worker in one process. */
void boot(async (options) => {
  const app = await createApiApp(options, [WorkerModule.forRoot()]);
  await app.listen(options.config.PORT);
  return app;
});
