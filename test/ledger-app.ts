import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import pino, { Logger as PinoLogger } from 'pino';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from '@ledger/event-store/postgres';
import { loadConfig } from '../apps/ledger-api/src/config/ledger-config';
import { API_MIGRATIONS } from '../apps/ledger-api/src/infrastructure/migrate';
import { createLedgerApp } from '../apps/ledger-api/src/ledger-app';
import { createTestDatabase, TestDatabase } from './database';

export interface TestLedger {
  app: INestApplication;
  database: TestDatabase;
  baseUrl: string;
  adminKey: string;
  close(): Promise<void>;
}

/**
 * Rate limits off: tests poll and burst far past them, and send wrong keys on purpose; the
 * rate-limit tests turn them on.
 */
export const NO_RATE_LIMITS = {
  RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '0',
  RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN: '0',
  RATE_LIMIT_PER_USER_PER_MIN: '0',
  RATE_LIMIT_GLOBAL_PER_MIN: '0',
  AUTH_FAILURES_PER_MIN: '0',
};

/**
 * The API listening on a free port, with a known admin key, on a fresh database or on `database`
 * (a second instance beside another).
 */
export async function startTestLedger(
  env: Record<string, string> = {},
  shared?: { database: TestDatabase; adminKey: string },
  logger: PinoLogger = pino({ level: 'silent' }),
): Promise<TestLedger> {
  const database =
    shared?.database ??
    (await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS, API_MIGRATIONS]));
  const adminKey = shared?.adminKey ?? `test-admin-${randomBytes(16).toString('hex')}`;
  const config = loadConfig({ LEDGER_ADMIN_API_KEY: adminKey, ...NO_RATE_LIMITS, ...env });
  const app = await createLedgerApp({ config, databaseUrl: database.url, logger });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    database,
    baseUrl: await app.getUrl(),
    adminKey,
    close: async () => {
      await app.close();
      if (!shared) await database.drop();
    },
  };
}

/**
 * A ledger for a describe block: started before its tests, closed after them; `onStarted` hands it
 * to the block's variables (and whatever the block builds on it: a client, traffic).
 */
export function useTestLedger(onStarted: (ledger: TestLedger) => void, env: Record<string, string> = {}): void {
  let ledger: TestLedger | undefined;
  beforeAll(async () => {
    ledger = await startTestLedger(env);
    onStarted(ledger);
  });
  afterAll(() => ledger?.close());
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for the tests: JSON in and out, the API key and headers given per call. */
export function apiClient(baseUrl: string) {
  const call = async <T = any>(
    method: string,
    path: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    get: <T = any>(path: string, key?: string, headers?: Record<string, string>) =>
      call<T>('GET', path, { key, headers }),
    post: <T = any>(path: string, key: string | undefined, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, { key, body, headers }),
  };
}

/**
 * Headers that make a GET wait until the read models have caught up with every event committed so
 * far. Reads the newest committed event directly: `readAll` would stop below running transactions.
 */
export async function caughtUpHeaders(ledger: Pick<TestLedger, 'database'>): Promise<Record<string, string>> {
  const { rows } = await ledger.database.pool.query<{ commit: string; prepare: string }>(
    `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM es_events
      ORDER BY es_events.transaction_id DESC, es_events.global_position DESC LIMIT 1`,
  );
  return { 'X-Min-Position': `${rows[0].commit}-${rows[0].prepare}` };
}
