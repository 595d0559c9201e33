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
    files: ['libs/core/src/clock/**', '**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
