import 'reflect-metadata';
import { boot } from '@phananh/platform';
import { createWorker } from './create-worker';

void boot(async (options) => {
  const app = await createWorker(options);
  await app.init();
  return app;
});
