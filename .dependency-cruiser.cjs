/**
 * The layers, checked by `npm run lint` (dependency-cruiser): the domain depends on nothing, the
 * libraries never on the apps, nothing shipped on the tests, and no folder loops.
 *
 * The API's folders are of two kinds. A feature owns a part of the business (its streams, read
 * models, routes); another feature may use it only through the feature's `index.ts`, which says
 * what it offers. The platform is what every feature stands on (HTTP edge, auth, configuration,
 * database and event-store wiring, logging, metrics, idempotency, rate limits, health, the console's
 * static files, shared helpers); features import any of it directly, and it imports no feature.
 * The files at the root of apps/ledger-api/src (app.module.ts, main.ts, ledger-app.ts) compose the
 * app and may reach any module. Tests are not checked (see `exclude`).
 */
const API = '^apps/ledger-api/src/';
const FEATURES = [
  'accounts',
  'admin',
  'demo',
  'journal',
  'live',
  'outgoing-webhooks',
  'payments',
  'reconciliation',
  'snapshots',
  'transfers',
  'users',
];
const PLATFORM = [
  'auth',
  'config',
  'console',
  'health',
  'http',
  'idempotency',
  'infrastructure',
  'logging',
  'metrics',
  'migrations',
  'rate-limits',
  'shared',
];
const FEATURE = `${API}(${FEATURES.join('|')})/`;

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
      name: 'features-through-their-index',
      severity: 'error',
      comment: "A feature uses another only through that feature's index.ts, the list of what it offers.",
      from: { path: `${API}([^/]+)/` },
      to: { path: FEATURE, pathNot: `${API}($1/|[^/]+/index[.]ts$)` },
    },
    {
      name: 'platform-not-features',
      severity: 'error',
      comment: 'The platform serves every feature and knows none of them.',
      from: { path: `${API}(${PLATFORM.join('|')})/` },
      to: { path: FEATURE },
    },
    {
      name: 'every-api-folder-classified',
      severity: 'error',
      comment: 'A new folder of the API is declared a feature or platform here, so that the rules above apply to it.',
      from: { path: API },
      to: { path: `${API}[^/]+/`, pathNot: `${API}(${[...FEATURES, ...PLATFORM].join('|')})/` },
    },
    {
      name: 'api-error-at-the-edge',
      severity: 'error',
      comment:
        'ApiError is an HTTP answer, raised at the edge only (controllers, guards, pipes, interceptors, filters, http/); the code below raises domain or application errors, which http/domain-errors.ts maps.',
      from: {
        path: API,
        pathNot: `[.](controller|guard|pipe|interceptor|filter)[.]ts$|${API}(http/|ledger-app[.]ts$)|[.](spec|int-spec|e2e-spec)[.]ts$`,
      },
      to: { path: `${API}http/api-error[.]ts$` },
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
