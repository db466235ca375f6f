// Three projects: unit (*.spec.ts, no I/O), integration (*.int-spec.ts, real PostgreSQL) and
// e2e (*.e2e-spec.ts, the app over HTTP). One PostgreSQL serves the whole run (test/global-setup.ts).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  // NestJS 12 and a few other dependencies ship only ES modules. Node loads them with require(),
  // but jest's own CommonJS loader cannot (before Node 24.9), so they are transformed too.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|load-esm|node-pg-migrate)/)',
  ],
  moduleNameMapper: { '^@ledger/(.*)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      testTimeout: 60_000,
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'], testTimeout: 120_000 },
  ],
};
