import { ConfigError, loadConfig } from './ledger-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      databaseMigrationUrl: undefined,
      dataDir: './.ledger-data',
      eventStoreConnectionString: undefined,
      logLevel: 'info',
      idempotencyTtlHours: 24,
      httpRequestTimeoutMs: 30000,
      adminApiKey: undefined,
      seedDemo: false,
      bank: {
        url: undefined,
        webhookSecret: undefined,
        successRate: 0.9,
        minDelayMs: 2000,
        maxDelayMs: 10000,
        retryBudgetMs: 24 * 3_600_000,
        statusQueryAfterMs: 30_000,
        dispatchConcurrency: 32,
      },
      redisUrl: undefined,
      rateLimits: { balance: 10, transactions: 20, user: 1000, global: 60000, warnings: [] },
      authFailuresPerMin: 20,
      metricsToken: undefined,
      corsOrigins: [],
      webhooks: { allowPrivateTargets: false, retryInitialMs: 10000 },
      caches: { streamStates: 10000, apiKeys: 10000 },
      chainCheckpoints: { everyMs: 60000, everyEvents: 10000 },
    });
  });

  it('reads given values', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/ledger',
      EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://u:p@db:5432/ledger', logLevel: 'debug' });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', ''],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_MIGRATION_URL', 'mysql://x'],
    ['EVENTSTORE_CONNECTION_STRING', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['LEDGER_DATA_DIR', ''],
    ['IDEMPOTENCY_TTL_HOURS', '0'],
    ['HTTP_REQUEST_TIMEOUT_MS', '10'],
    ['WEBHOOK_ALLOW_PRIVATE_TARGETS', 'yes'],
    ['WEBHOOK_RETRY_INITIAL_MS', '1'],
    ['LEDGER_ADMIN_API_KEY', 'short'],
    ['BANK_SUCCESS_RATE', '1.5'],
    ['LEDGER_SEED_DEMO', 'yes'],
    ['REDIS_URL', 'http://cache:6379'],
    ['RATE_LIMIT_BALANCE_PER_USER_PER_MIN', '-1'],
    ['RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN', '2.5'],
    ['RATE_LIMIT_PER_USER_PER_MIN', 'lots'],
    ['RATE_LIMIT_GLOBAL_PER_MIN', 'many'],
    ['RATE_LIMIT_BALANCE_PER_MIN', '-1'],
    ['RATE_LIMIT_TRANSACTIONS_PER_MIN', '2.5'],
    ['BANK_MIN_DELAY_MS', '-1'],
    ['BANK_RETRY_BUDGET_HOURS', 'forever'],
    ['BANK_STATUS_QUERY_AFTER_MS', '5'],
    ['BANK_DISPATCH_CONCURRENCY', '0'],
    ['BANK_URL', 'not a url'],
    ['AUTH_FAILURES_PER_MIN', '-1'],
    ['AUTH_FAILURES_PER_MIN', 'lots'],
    ['METRICS_TOKEN', 'short'],
    ['METRICS_TOKEN', 'has a space in it somewhere'],
    ['STREAM_STATE_CACHE_ENTRIES', '0'],
    ['API_KEY_CACHE_ENTRIES', 'lots'],
    ['CORS_ORIGINS', ''],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'console.example.com'],
    ['CORS_ORIGINS', 'https://console.example.com/'],
    ['CORS_ORIGINS', 'https://console.example.com/app'],
    ['CORS_ORIGINS', 'https://console.example.com,'],
    ['CORS_ORIGINS', 'https://Console.Example.com'],
    ['CORS_ORIGINS', 'ftp://files.example.com'],
    ['CORS_ORIGINS', 'https://user:pw@console.example.com'],
  ])('rejects %s=%p with one line naming the variable and not echoing its value', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
    if (value.length > 3) expect(message).not.toContain(value);
  });

  it.each([
    ['PORT', 'abc', 'PORT must be an integer from 1 to 65535'],
    ['PORT', '70000', 'PORT must be an integer from 1 to 65535'],
    ['PORT', '8080.5', 'PORT must be an integer from 1 to 65535'],
    ['BANK_SUCCESS_RATE', '1.5', 'BANK_SUCCESS_RATE must be a number from 0 to 1'],
    [
      'RATE_LIMIT_TRANSACTIONS_PER_MIN',
      '2.5',
      'RATE_LIMIT_TRANSACTIONS_PER_MIN must be a whole number (0 turns it off)',
    ],
  ])('says the whole rule %s=%p broke', (name, value, rule) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`Invalid configuration: ${rule}`);
  });

  it('reads the failed-authentication budget, the metrics token and the CORS origins', () => {
    const config = loadConfig({
      AUTH_FAILURES_PER_MIN: '0',
      METRICS_TOKEN: 'scrape-token-0123456789',
      CORS_ORIGINS: 'https://console.example.com, http://localhost:5173',
    });
    expect(config).toMatchObject({
      authFailuresPerMin: 0,
      metricsToken: 'scrape-token-0123456789',
      corsOrigins: ['https://console.example.com', 'http://localhost:5173'],
    });
  });

  it('reads each rate limit by the name saying what it counts, and the old names with a warning', () => {
    expect(
      loadConfig({
        RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '3',
        RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN: '4',
        RATE_LIMIT_PER_USER_PER_MIN: '5',
      }).rateLimits,
    ).toEqual({ balance: 3, transactions: 4, user: 5, global: 60000, warnings: [] });

    const old = loadConfig({ RATE_LIMIT_BALANCE_PER_MIN: '6', RATE_LIMIT_TRANSACTIONS_PER_MIN: '7' }).rateLimits;
    expect(old).toMatchObject({ balance: 6, transactions: 7 });
    expect(old.warnings).toEqual([
      expect.stringContaining('RATE_LIMIT_BALANCE_PER_MIN is deprecated'),
      expect.stringContaining('RATE_LIMIT_TRANSACTIONS_PER_MIN is deprecated'),
    ]);

    const both = loadConfig({ RATE_LIMIT_BALANCE_PER_MIN: '6', RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '8' }).rateLimits;
    expect(both.balance).toBe(8);
    expect(both.warnings).toEqual([expect.stringContaining('RATE_LIMIT_BALANCE_PER_MIN is ignored')]);

    const global = loadConfig({ RATE_LIMIT_GLOBAL_PER_MIN: '100' }).rateLimits;
    expect(global).toMatchObject({ user: 1000, global: 100 });
    expect(global.warnings).toEqual([expect.stringContaining('now limits all callers together')]);
  });

  it('refuses BANK_URL without the secret the bank signs with, and a minimum delay above the maximum', () => {
    expect(() => loadConfig({ BANK_URL: 'http://bank:4000' })).toThrow(/BANK_WEBHOOK_SECRET/);
    expect(() => loadConfig({ BANK_MIN_DELAY_MS: '500', BANK_MAX_DELAY_MS: '100' })).toThrow(/BANK_MIN_DELAY_MS/);
  });

  it('takes an owner role for migrations only beside DATABASE_URL', () => {
    const owner = 'postgres://owner:p@db:5432/ledger';
    expect(
      loadConfig({ DATABASE_URL: 'postgres://app:p@db:5432/ledger', DATABASE_MIGRATION_URL: owner }),
    ).toMatchObject({ databaseMigrationUrl: owner });
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: owner })).toThrow(/DATABASE_MIGRATION_URL needs DATABASE_URL/);
  });
});
