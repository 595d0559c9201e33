import 'reflect-metadata';
import { boot } from '@phananh/platform';
import { createApiApp } from './create-api-app';

void boot(async (options) => {
  const app = await createApiApp(options);
  await app.listen(options.config.PORT);
  return app;
});
