/**
 * The layers, checked by `npm run lint` (dependency-cruiser): the domain depends on nothing, the
 * libraries never on the apps, nothing shipped on the tests, and no folder loops.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A loop between modules: one side should depend on the other, not both.',
      from: { pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      scope: 'folder',
      comment: 'Two folders using each other are one feature or need a third that both use.',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain decides from states and commands alone: no framework, database or Node module.',
      from: { path: '^libs/ledger-domain/src', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: '^libs/ledger-domain/src' },
    },
    {
      name: 'event-store-port-alone',
      severity: 'error',
      comment:
        'The port (@ledger/event-store) loads no adapter and no driver: code that only appends and reads through it must not pull in pg or the KurrentDB client. Adapters are behind @ledger/event-store/postgres, /kurrentdb and /factory.',
      from: { path: '^libs/event-store/src/(index|event-store[.]port)[.]ts$' },
      to: {
        path: '^libs/event-store/src/(postgres|kurrentdb)/|^libs/event-store/src/event-store[.]factory|node_modules/(pg|@kurrent)/',
      },
    },
    {
      name: 'libs-not-apps',
      severity: 'error',
      comment: 'Libraries serve the apps; they never reach into one.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-each-other',
      severity: 'error',
      comment: 'The API, the CLI, the bank simulator and the console meet over HTTP or through libs/.',
      from: { path: '^apps/([^/]+)/', pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'shipped-code-not-tests',
      severity: 'error',
      comment: 'What runs in production does not load test helpers.',
      from: { path: '^(apps|libs)/', pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$|/testing/' },
      to: { path: '^test/|\\.(spec|int-spec|e2e-spec)\\.ts$|/testing/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may use anything; the rules are about what ships.
    exclude: { path: '^(dist|test)/|\\.(spec|int-spec|e2e-spec)\\.ts$|/testing/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
