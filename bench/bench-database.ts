import { mkdtempSync, chmodSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import {
  connectionString,
  DatabaseUrls,
  migrateDatabase,
  provisionDatabase,
  randomPassword,
  startEmbeddedPostgres,
  withClient,
} from '@ledger/database';
import { loadConfig } from '../apps/ledger-api/src/config/ledger-config';
import { createLedgerApp } from '../apps/ledger-api/src/ledger-app';
import { DemoUser } from '../apps/ledger-api/src/demo/demo-seed';
import { deterministicUuid } from '../apps/ledger-api/src/shared/deterministic-id';
import { measure } from './measure';

export interface BenchDatabase extends DatabaseUrls {
  /** As the owner role, which migrates the event store. */
  migrationUrl: string;
  /** Where it runs, for the report. */
  server: string;
  close(): Promise<void>;
}

/**
 * A fresh database for one benchmark run, with its own owner and app roles as in production: on
 * DATABASE_URL's server when set (its role must create databases and roles), else on an embedded one.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const dataDir = process.env.DATABASE_URL ? undefined : chmodded(mkdtempSync(join(tmpdir(), 'ledger-bench-')));
  const embedded = dataDir ? await startEmbeddedPostgres(dataDir) : undefined;
  const serverUrl = process.env.DATABASE_URL ?? embedded!.superuserUrl;
  const name = `ledger_bench_${Date.now()}`;
  const roles = {
    owner: { name: `${name}_owner`, password: randomPassword() },
    app: { name: `${name}_app`, password: randomPassword() },
  };
  await provisionDatabase(serverUrl, name, roles);
  const { rows } = await withClient(serverUrl, (client) =>
    client.query<{ server_version: string }>('SHOW server_version'),
  );
  const database = {
    url: connectionString(serverUrl, name, roles.app),
    migrationUrl: connectionString(serverUrl, name, roles.owner),
  };
  // No sets yet: only lets the app role create its tables (the contenders' own schemas too).
  await migrateDatabase(database, []);
  return {
    ...database,
    server: `PostgreSQL ${rows[0].server_version} (${embedded ? 'embedded' : 'DATABASE_URL'})`,
    close: async () => {
      await withClient(serverUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS ${roles.app.name}, ${roles.owner.name}`);
      });
      await embedded?.stop();
      // A payments run leaves gigabytes of events: the next run starts afresh anyway.
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function chmodded(dir: string): string {
  chmodSync(dir, 0o755);
  return dir;
}

/** Single-row INSERTs into a scratch table of the same database: the floor every write path is compared with. */
export async function measureRawInserts(url: string, concurrency: number, total = 20_000) {
  const pool = new Pool({ connectionString: url, max: 20 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_inserts (id uuid PRIMARY KEY, amount bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())',
  );
  const result = await measure(total, concurrency, () =>
    pool.query('INSERT INTO bench_inserts (id, amount) VALUES ($1, $2)', [randomUUID(), 1]),
  );
  await pool.end();
  return result;
}

/** The raw-INSERT rows both API benchmarks print beside their own. */
export async function rawInsertRows(url: string): Promise<string[]> {
  const rows: string[] = [];
  for (const concurrency of [16, 64]) {
    const inserts = await measureRawInserts(url, concurrency);
    rows.push(
      `| raw single-row INSERT, ${concurrency} concurrent (pool of 20) | ${Math.round(inserts.perSecond)} rows/s | ${inserts.p50.toFixed(2)} ms | ${inserts.p99.toFixed(2)} ms | — |`,
    );
  }
  return rows;
}

export function printTable(title: string, rows: readonly string[]): void {
  console.log(`\n${title}\n`);
  console.log('| load | rate | p50 | p99 | failures |');
  console.log('|---|---:|---:|---:|---:|');
  rows.forEach((row) => console.log(row));
}

/** The API in this process on the bench database, listening on a free port. */
export async function startBenchLedger(databaseUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    BANK_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
    // A benchmark is one user sending thousands of requests a minute.
    RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '0',
    RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN: '0',
    RATE_LIMIT_PER_USER_PER_MIN: '0',
    RATE_LIMIT_GLOBAL_PER_MIN: '0',
    ...env,
  });
  const app = await createLedgerApp({ config, databaseUrl, logger: pino({ level: 'silent' }) });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: await app.getUrl() };
}

/** USER_HZ: the unit of /proc/stat on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time spent from now on, per request: the machine's (from /proc/stat, Linux) and this process's. */
export function cpuMeter() {
  const machineBusyMs = () => {
    try {
      const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]
        .split(/\s+/)
        .slice(1)
        .map(Number);
      return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return Number.NaN;
    }
  };
  const machineStart = machineBusyMs();
  const processStart = process.cpuUsage();
  /** The machine's busy time since the meter started, ms (NaN where /proc/stat is absent). */
  const machineMs = () => machineBusyMs() - machineStart;
  /** This process's CPU time since the meter started (every thread: its garbage collector's too), ms. */
  const processMs = () => {
    const used = process.cpuUsage(processStart);
    return (used.user + used.system) / 1000;
  };
  return {
    machineMs,
    processMs,
    perRequest(requests: number): string {
      const machine = machineMs() / requests;
      const own = processMs() / requests;
      return `${Number.isNaN(machine) ? '—' : machine.toFixed(2)} | ${own.toFixed(2)}`;
    },
  };
}

/** The demo user's EUR account once the demo seed has made it (the ledger seeds it at start). */
export async function demoEurAccount(baseUrl: string, apiKey: string): Promise<{ id: string }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await fetch(`${baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await response.json().catch(() => ({}))) as { data?: { id: string; currency: string }[] };
    const account = body.data?.find((candidate) => candidate.currency === 'EUR');
    if (account) return account;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the demo account never appeared');
}

/** Runs a benchmark's main and exits 0, or 1 with one line saying why it could not run. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`benchmark failed: ${error.message}`);
      process.exit(1);
    },
  );
}

/** A customer with one EUR account holding `funds`, seeded as the demo seeds its users. */
export const benchUser = (name: string, funds: number): DemoUser => ({
  name,
  role: 'customer',
  apiKey: `lk_bench_${name}_key_000000000000`,
  accounts: [{ currency: 'EUR', funds }],
});

/** The EUR account the seed made for `user`. */
export const accountOf = (user: DemoUser) => deterministicUuid('demo-account', user.name, 'EUR');

/** One automatic payment of 1 cent over HTTP, as a client makes it; fails unless it is made. */
export async function payOnce(baseUrl: string, payer: DemoUser, payee: DemoUser): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v1/payments`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${payer.apiKey}`,
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ payerAccountId: accountOf(payer), payeeAccountId: accountOf(payee), amount: 1 }),
  });
  if (response.status !== 201) throw new Error(`payment answered ${response.status}`);
}
