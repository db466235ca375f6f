/**
 * npm run bench:payments — automatic payments at 16 and 64 connections, (a) spread over 1,000
 * payer accounts and (b) all from one hot payer; command latency on an account with 10 events vs
 * one with 100,000; beside them, raw single-row INSERTs into the same database in the same run.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { EVENT_STORE, EventStore, positionToString } from '@ledger/event-store';
import { accountStreamName } from '@ledger/ledger-domain';
import { DemoUser, seedRequests } from '../apps/ledger-api/src/demo/demo-seed';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import {
  accountOf,
  benchDatabase,
  benchUser,
  cpuMeter,
  payOnce,
  printTable,
  rawInsertRows,
  runBenchmark,
  startBenchLedger,
} from './bench-database';
import { measure } from './measure';

const DURATION_SECONDS = 10;
const PAYERS = 1_000;
const LONG_HISTORY = 100_000;

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const { app, baseUrl } = await startBenchLedger(database.url);
  const store = app.get<EventStore>(EVENT_STORE);

  // Accounts are made through the event store directly: the same events the API would write.
  const now = new Date();
  const at = now.toISOString();
  const payers = Array.from({ length: PAYERS }, (_, index) => benchUser(`payer${index}`, 1_000_000));
  const hot = benchUser('hot', 1_000_000_000);
  const merchant = benchUser('merchant', 0);
  const fresh = benchUser('fresh', 1_000_000);
  const busy = benchUser('busy', 1_000_000);
  await Promise.all([...payers, hot, merchant, fresh, busy].map((user) => store.append(seedRequests(user, now))));
  for (let written = 0; written < LONG_HISTORY; written += 1_000) {
    await store.append([
      {
        streamName: accountStreamName(accountOf(busy)),
        expectedRevision: 'any',
        events: Array.from({ length: 1_000 }, () => ({
          id: randomUUID(),
          type: 'FundsCredited',
          data: { accountId: accountOf(busy), amount: '1', reference: { type: 'deposit', id: randomUUID() }, at },
        })),
      },
    ]);
  }
  await caughtUp(baseUrl, store, hot.apiKey);

  const rows: string[] = [];
  const cpuRows: string[] = [];
  const run = async (label: string, connections: number, pick: () => DemoUser) => {
    const cpu = cpuMeter();
    const result = await autocannon({
      url: `${baseUrl}/api/v1/payments`,
      connections,
      duration: DURATION_SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const payer = pick();
            return {
              ...request,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${payer.apiKey}`,
                'idempotency-key': randomUUID(),
              },
              body: JSON.stringify({
                payerAccountId: accountOf(payer),
                payeeAccountId: accountOf(merchant),
                amount: 1,
              }),
            };
          },
        },
      ],
    });
    const failures = result.non2xx + result.errors + result.timeouts;
    rows.push(
      `| ${label}, ${connections} connections | ${Math.round(result.requests.average)} payments/s | ${result.latency.p50} ms | ${result.latency.p99} ms | ${failures} |`,
    );
    cpuRows.push(`| ${label}, ${connections} connections | ${cpu.perRequest(result.requests.total)} |`);
  };
  // The ceiling of the HTTP stack alone: a route that touches nothing, in the same process.
  const empty = await autocannon({ url: `${baseUrl}/health`, connections: 16, duration: DURATION_SECONDS / 2 });
  rows.push(
    `| GET /health (no database), 16 connections | ${Math.round(empty.requests.average)} req/s | ${empty.latency.p50} ms | ${empty.latency.p99} ms | ${empty.non2xx + empty.errors} |`,
  );
  for (const connections of [16, 64])
    await run('spread over 1,000 payers', connections, () => payers[Math.floor(Math.random() * PAYERS)]);
  for (const connections of [16, 64]) await run('one hot payer', connections, () => hot);

  const latency = async (user: DemoUser) => measure(200, 1, () => payOnce(baseUrl, user, merchant));
  const small = await latency(fresh);
  const large = await latency(busy);
  rows.push(
    `| one payment at a time, payer with ~10 events | ${Math.round(small.perSecond)} payments/s | ${small.p50.toFixed(2)} ms | ${small.p99.toFixed(2)} ms | 0 |`,
  );
  rows.push(
    `| one payment at a time, payer with 100,000 events | ${Math.round(large.perSecond)} payments/s | ${large.p50.toFixed(2)} ms | ${large.p99.toFixed(2)} ms | 0 |`,
  );

  rows.push(...(await rawInsertRows(database.url)));
  await app.close();
  await database.close();

  printTable(
    `Payments benchmark — ${database.server}, ${cpus().length} cores, Node ${process.version}, ${DURATION_SECONDS} s per run`,
    rows,
  );
  console.log('\nCPU time per payment (whole machine: API, benchmark client and PostgreSQL; this process alone)\n');
  console.log('| load | machine ms / payment | this process ms / payment |');
  console.log('|---|---:|---:|');
  cpuRows.forEach((row) => console.log(row));
  console.log(`\n100,000-event payer / 10-event payer, p50: ${(large.p50 / small.p50).toFixed(2)}× (target ≤ 1.2×)`);
}

/** Waits until every projection (the snapshots included) has reached the last event written. */
async function caughtUp(baseUrl: string, store: EventStore, apiKey: string): Promise<void> {
  const [last] = await store.readAll({ maxCount: Number.MAX_SAFE_INTEGER }).then((events) => events.slice(-1));
  for (;;) {
    const response = await fetch(`${baseUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${apiKey}`, 'X-Min-Position': positionToString(last.position) },
    });
    if (response.status === 200) return;
  }
}

runBenchmark(main);
