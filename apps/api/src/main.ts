import 'reflect-metadata';
import { PlatformOptions, boot } from '@phananh/platform';
import { createApiApp } from './create-api-app';

async function serve(options: PlatformOptions) {
  const app = await createApiApp(options);
  await app.listen(options.config.PORT, options.config.HOST);
  return app;
}

/** `npm run start:api`: API_PROCESSES processes (Node's cluster) sharing PORT; one, without a cluster, when it is 1. */
void boot({ single: serve, http: serve });
