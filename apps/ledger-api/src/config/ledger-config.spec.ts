import { ConfigError, loadConfig } from './ledger-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './.ledger-data',
      eventStoreConnectionString: undefined,
      logLevel: 'info',
      idempotencyTtlHours: 24,
      adminApiKey: undefined,
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
    ['EVENTSTORE_CONNECTION_STRING', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['LEDGER_DATA_DIR', ''],
    ['IDEMPOTENCY_TTL_HOURS', '0'],
    ['LEDGER_ADMIN_API_KEY', 'short'],
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
});
