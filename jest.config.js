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
  // Some dependencies ship only ES modules; jest's CommonJS loader needs them transformed.
  transformIgnorePatterns: ['/node_modules/(?!node-pg-migrate/)'],
  moduleNameMapper: { '^@ledger/(.*)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'] },
  ],
};
