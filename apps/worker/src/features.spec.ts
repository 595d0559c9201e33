import 'reflect-metadata';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { JOB_HANDLER, assertComplete } from '@phananh/queue';
import { WORKER_FEATURES } from './features';

/** Every job's handler is a provider of the worker app's own feature modules, none of a lib. */
describe('the worker feature modules', () => {
  it('hold exactly one handler for every job of the catalogue', () => {
    const found = new Map<string, string[]>();
    for (const feature of WORKER_FEATURES) {
      const providers: unknown[] = Reflect.getMetadata(MODULE_METADATA.PROVIDERS, feature) ?? [];
      for (const provider of providers) {
        if (typeof provider !== 'function') continue;
        for (const method of Object.getOwnPropertyNames(provider.prototype)) {
          const name = Reflect.getMetadata(JOB_HANDLER, provider.prototype[method]);
          if (name) found.set(name, [...(found.get(name) ?? []), `${provider.name}.${method}`]);
        }
      }
    }
    expect(() => assertComplete(found)).not.toThrow();
  });
});
