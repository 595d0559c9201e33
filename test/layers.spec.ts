import { ESLint } from 'eslint';
import { join } from 'node:path';

// ESLint would load eslint.config.mjs with a dynamic import(), which Jest's CommonJS runtime refuses;
// Jest's own require() transforms the file instead, and ESLint gets the config as an object.
const ROOT = join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../eslint.config.mjs').default;

const LIBS_RULE = 'layers: libs never import apps/ or test/ (README, "Architecture")';
const DOMAIN_RULE = 'never import a domain lib (README, "Architecture")';
const INDEX_RULE = 'layers: a lib imports another lib only as @phananh/<lib>, through its index';

/** The lint rule of README's "Architecture", run through ESLint on files that exist only here. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config }).lintText(code, {
    filePath,
  });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layers lint rule', () => {
  it('refuses apps/ and test/ in a lib, by relative path and by alias', async () => {
    const messages = await restricted(
      'libs/tickets/src/layers-probe.ts',
      [
        "import '../../../apps/api/src/create-api-app';",
        "import '@test/support';",
        "import '../../../test/support';",
      ].join('\n'),
    );
    expect(messages).toHaveLength(3);
    for (const message of messages) expect(message).toContain(LIBS_RULE);
  });

  it('refuses a domain lib in an infrastructure lib, and lets a domain lib use another', async () => {
    const infrastructure = await restricted('libs/queue/src/layers-probe.ts', "import '@phananh/ticket-store';\n");
    expect(infrastructure).toEqual([expect.stringContaining(DOMAIN_RULE)]);
    expect(await restricted('libs/reports/src/layers-probe.ts', "import '@phananh/tickets';\n")).toEqual([]);
  });

  it('refuses a relative path into another lib', async () => {
    const messages = await restricted('libs/identity/src/layers-probe.ts', "import '../../core/src/clock';\n");
    expect(messages).toEqual([expect.stringContaining(INDEX_RULE)]);
  });

  it('keeps apps/api and apps/worker apart, and lets apps/server compose them', async () => {
    const worker = "import '../../worker/src/worker.module';\n";
    const api = "import '../../api/src/create-api-app';\n";
    expect(await restricted('apps/api/src/layers-probe.ts', worker)).toHaveLength(1);
    expect(await restricted('apps/worker/src/layers-probe.ts', api)).toHaveLength(1);
    expect(await restricted('apps/server/src/layers-probe.ts', worker + api)).toEqual([]);
  });
});
