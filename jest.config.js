/**
 * Three projects: unit (pure, co-located *.spec.ts), integration (test/integration/**\/*.int-spec.ts,
 * real PostgreSQL and Redis) and e2e (test/e2e, the whole app over HTTP with the worker).
 * One database and one Redis prefix per run, created by test/global-setup.ts.
 */
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
// NestJS 12 and a few of its companions ship as ES modules, as do otplib's base32 and HMAC
// (@scure/base, @noble/hashes) and @fastify/static's content-disposition: Node 20.19+ requires
// them as they are, Jest's CommonJS runtime needs them transformed (a nested copy is named with
// its parent, since the pattern below must not match at the parent's node_modules either).
const esmPackages = [
  '@nestjs',
  '@bull-board',
  '@otplib',
  '@scure',
  '@noble',
  'content-disposition',
  '@fastify/static/node_modules/content-disposition',
].join('|');
const common = {
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': ['@swc/jest', { swcrc: false, jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages})/)`],
  moduleNameMapper: { '^@phananh/(.*)$': '<rootDir>/libs/$1/src', '^@test/support$': '<rootDir>/test/support' },
  testEnvironment: 'node',
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/log-scan.js', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
