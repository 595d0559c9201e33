import tseslint from 'typescript-eslint';

const clockOnly = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Read the time from the Clock service (libs/core/src/clock), never new Date().',
    },
    {
      selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
      message: 'Read the time from the Clock service (libs/core/src/clock), never Date.now().',
    },
  ],
};

/**
 * Layers run one way: apps → domain libs → infrastructure libs (README, "Architecture").
 * ESLint merges `rules` per file, so a later object naming no-restricted-imports for an
 * overlapping glob would replace the earlier options: each file group below is disjoint
 * and gets its whole pattern list.
 */
const INFRASTRUCTURE_LIBS = ['core', 'database', 'queue', 'platform', 'reference', 'redis'];
const DOMAIN_LIBS = [
  'identity',
  'routing',
  'reports',
  'tickets',
  'ticket-store',
  'sla',
  'alerts',
  'audit',
  'open311',
  'messages',
];
const ARCHITECTURE = '(README, "Architecture")';
const layerRules = {
  libsNoAppsOrTest: {
    group: ['apps/**', '**/apps/**', 'test/**', '**/test/**', '@test/*'],
    message: `layers: libs never import apps/ or test/ ${ARCHITECTURE}`,
  },
  infrastructureNoDomain: {
    group: DOMAIN_LIBS.flatMap((lib) => [`@phananh/${lib}`, `@phananh/${lib}/**`]),
    message: `layers: infrastructure libs (${INFRASTRUCTURE_LIBS.join(', ')}) never import a domain lib ${ARCHITECTURE}`,
  },
  libsThroughIndex: {
    // From a lib, `../../<other>/src/...`, `.../libs/...` or `@phananh/<lib>/...` go past the other lib's index.
    regex: '^(\\.\\./)+[^./][^/]*/src(/|$)|(^|/)libs/|^@phananh/[^/]+/',
    message: `layers: a lib imports another lib only as @phananh/<lib>, through its index ${ARCHITECTURE}`,
  },
  appsThroughIndex: {
    regex: '(^|/)libs/|^@phananh/[^/]+/',
    message: `layers: apps import a lib only as @phananh/<lib>, through its index ${ARCHITECTURE}`,
  },
  apiNotWorkerOrServer: {
    group: ['**/apps/worker/**', '**/apps/server/**', '../**/worker/src/**', '../**/server/src/**'],
    message: `layers: apps/api never imports apps/worker or apps/server ${ARCHITECTURE}`,
  },
  workerNotApiOrServer: {
    group: ['**/apps/api/**', '**/apps/server/**', '../**/api/src/**', '../**/server/src/**'],
    message: `layers: apps/worker never imports apps/api or apps/server ${ARCHITECTURE}`,
  },
};
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const libGlobs = (libs) => libs.map((lib) => `libs/${lib}/**`);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'var/**', 'apps/web/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      ...clockOnly,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The clock itself, tests, benchmarks and tools measure real time.
    files: [
      'libs/core/src/clock/**',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'test/**',
      'bench/**',
      'scripts/**',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: libGlobs(INFRASTRUCTURE_LIBS),
    rules: restrictImports(layerRules.libsNoAppsOrTest, layerRules.infrastructureNoDomain, layerRules.libsThroughIndex),
  },
  {
    // Every other lib, so that a new one is held to the rule before it is sorted into a layer.
    files: ['libs/**'],
    ignores: libGlobs(INFRASTRUCTURE_LIBS),
    rules: restrictImports(layerRules.libsNoAppsOrTest, layerRules.libsThroughIndex),
  },
  { files: ['apps/api/**'], rules: restrictImports(layerRules.apiNotWorkerOrServer, layerRules.appsThroughIndex) },
  { files: ['apps/worker/**'], rules: restrictImports(layerRules.workerNotApiOrServer, layerRules.appsThroughIndex) },
  // apps/server is the composition of apps/api and apps/worker: it may import both.
  { files: ['apps/server/**'], rules: restrictImports(layerRules.appsThroughIndex) },
);
