/**
 * node dist/bench/statements.bench.js — what a payment costs the database: statements (round
 * trips), transactions and reads of `$all` per automatic payment, counted in the pg driver of the
 * API's process from the first request until every consumer has caught up.
 */
import { Client } from 'pg';
import { ConsumerRunner } from '@ledger/consumers';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { seedRequests } from '../apps/ledger-api/src/demo/demo-seed';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { benchDatabase, benchUser, payOnce, runBenchmark, startBenchLedger } from './bench-database';

const PAYERS = 1_000;
const PAYMENTS = 4_000;

const counts = { statements: 0, transactions: 0, allReads: 0 };
const query = Client.prototype.query;
Client.prototype.query = function (this: Client, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  counts.statements++;
  if (text === 'BEGIN') counts.transactions++;
  if (text.includes('ORDER BY transaction_id, global_position LIMIT')) counts.allReads++;
  return (query as (...args: unknown[]) => unknown).apply(this, args);
} as typeof Client.prototype.query;

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const { app, baseUrl } = await startBenchLedger(database.url);
  const store = app.get<EventStore>(EVENT_STORE);
  const runner = app.get(ConsumerRunner);
  const payers = Array.from({ length: PAYERS }, (_, index) => benchUser(`payer${index}`, 1_000_000));
  const merchant = benchUser('merchant', 0);
  await Promise.all([...payers, merchant].map((each) => store.append(seedRequests(each, new Date()))));
  // Each look costs a dozen statements, counted too: a few per run, a few thousandths per payment.
  const caughtUp = async () => {
    while ((await runner.status()).some((consumer) => consumer.lag > 0n)) await new Promise((r) => setTimeout(r, 250));
  };
  await caughtUp();

  const rows: string[] = [];
  for (const connections of [16, 64]) {
    Object.assign(counts, { statements: 0, transactions: 0, allReads: 0 });
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < PAYMENTS) {
          next++;
          await payOnce(baseUrl, payers[Math.floor(Math.random() * PAYERS)], merchant);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await caughtUp();
    const per = (count: number) => (count / PAYMENTS).toFixed(2);
    rows.push(
      `| ${connections} connections, spread | ${Math.round(PAYMENTS / seconds)} | ${per(counts.statements)} | ${per(counts.transactions)} | ${per(counts.allReads)} |`,
    );
  }
  await app.close();
  await database.close();
  console.log(`\nStatements per payment — ${database.server}, ${PAYMENTS} payments per row\n`);
  console.log('| load | payments/s | statements / payment | transactions / payment | $all reads / payment |');
  console.log('|---|---:|---:|---:|---:|');
  rows.forEach((row) => console.log(row));
}

runBenchmark(main);
