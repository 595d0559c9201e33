import 'reflect-metadata';
import { boot } from '../../server/src/boot';
import { createWorker } from './create-worker';

void boot(async (options) => {
  const app = await createWorker(options);
  await app.init();
  return app;
});
