/**
 * npm run bench:api — POST /api/v1/withdrawals (each with its own Idempotency-Key) at 16 and 64
 * connections with autocannon, against the API on PostgreSQL; beside it, the raw rate of
 * single-row INSERTs into the same database from the same process, in the same run.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import {
  benchDatabase,
  demoEurAccount,
  printTable,
  rawInsertRows,
  runBenchmark,
  startBenchLedger,
} from './bench-database';

const DURATION_SECONDS = 10;
const ALICE = 'lk_demo_alice_customer_key_0001';

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const { app, baseUrl } = await startBenchLedger(database.url, { LEDGER_SEED_DEMO: 'true' });

  const accounts = await demoEurAccount(baseUrl, ALICE);

  const rows: string[] = [];
  for (const connections of [16, 64]) {
    const result = await autocannon({
      url: `${baseUrl}/api/v1/withdrawals`,
      connections,
      duration: DURATION_SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${ALICE}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({ accountId: accounts.id, amount: 1 }),
          }),
        },
      ],
    });
    const errors = result.non2xx + result.errors + result.timeouts;
    rows.push(
      `| POST /withdrawals, ${connections} connections | ${Math.round(result.requests.average)} req/s | ${result.latency.p50} ms | ${result.latency.p99} ms | ${errors} non-2xx/errors |`,
    );
  }

  rows.push(...(await rawInsertRows(database.url)));
  await app.close();
  await database.close();

  printTable(
    `API benchmark — ${database.server}, ${cpus().length} cores, Node ${process.version}, ${DURATION_SECONDS} s per run.\n` +
      'All withdrawals of 1 from one demo account (the hot-account path); the in-process bank settles them meanwhile.',
    rows,
  );
}

runBenchmark(main);
