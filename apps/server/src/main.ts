import 'reflect-metadata';
import { PlatformOptions, boot } from '@phananh/platform';
import { createApiApp } from '../../api/src/create-api-app';
import { createWorker } from '../../worker/src/create-worker';
import { WorkerModule } from '../../worker/src/worker.module';

/**
 * `npm start`: the HTTP API and the job worker, the composition of apps/api and apps/worker.
 * With API_PROCESSES=1 both run in this one process; above 1, the cluster primary forks
 * API_PROCESSES HTTP-only processes sharing PORT and one process for the job worker, so that
 * the jobs, schedules and sweeps run once whatever the number of HTTP processes.
 */
void boot({
  single: async (options) => {
    const app = await createApiApp(options, [WorkerModule.forRoot()]);
    await app.listen(options.config.PORT, options.config.HOST);
    return app;
  },
  http: async (options: PlatformOptions) => {
    const app = await createApiApp(options);
    await app.listen(options.config.PORT, options.config.HOST);
    return app;
  },
  once: async (options) => {
    const app = await createWorker(options);
    await app.init();
    return app;
  },
});
