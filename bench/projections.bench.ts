/**
 * npm run bench:projections — what the read models cost a payment, beside what the write path
 * costs. The ledger runs in this process on a fresh database with 1,000 payers; the load (automatic
 * payments of 1 to one merchant from payers picked at random, 16 connections, as bench:payments
 * sends it) comes from a process of its own. Four measurements, one after the other:
 *
 * 1. the ledger as it runs, its projections following the writes (CPU counted until they caught up);
 * 2. the projections paused: the write path alone;
 * 3. the events of (2) projected by all the projections together, as the ledger runs them (one
 *    reader of `$all`, the batches of a page in one transaction);
 * 4. paused again, another load, and its events projected by each projection alone, each from the
 *    same checkpoint: what each costs (each reads `$all` on its own, a share the ledger pays once).
 *
 * CPU is the machine's (every process: PostgreSQL's too) and this process's (the API and its
 * projections), a payment. Options: --seconds=S of load per write phase (BENCH_SECONDS, default 8);
 * --batch=N to send the payments N a request to `POST /api/v1/payments/batch` over 4 connections, as
 * bench:payments' batch scenarios do (default 1: one payment a request).
 */
import { cpus } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ConsumerRunner, Projection } from '@ledger/consumers';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { seedRequests } from '../apps/ledger-api/src/demo/demo-seed';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { accountOf, benchDatabase, benchUser, cpuMeter, runBenchmark, startBenchLedger } from './bench-database';
import { LoadPlan } from './load-generator';
import { BATCH_CONNECTIONS, batchAdmin, forkedRound, ledgerCaughtUp } from './payment-load';

const PAYERS = 1_000;
const CONNECTIONS = 16;
const WARM_UP_SECONDS = 3;

interface Measured {
  label: string;
  /** Payments written in the phase (for a catch-up: those it projected). */
  payments: number;
  /** Payments a second: written, or projected in a catch-up. */
  rate: string;
  machineMs: number;
  processMs: number;
}

/** CPU spent on `run`, with its payments. */
async function measured(label: string, run: () => Promise<{ payments: number; rate: string }>): Promise<Measured> {
  const meter = cpuMeter();
  const { payments, rate } = await run();
  return { label, payments, rate, machineMs: meter.machineMs(), processMs: meter.processMs() };
}

/** Runs `projections` in a runner of their own until each has read every event written so far; seconds taken. */
async function catchUp(store: EventStore, databaseUrl: string, projections: readonly Projection[]): Promise<number> {
  const head = await store.headPosition();
  if (!head) throw new Error('the store is empty');
  const runner = new ConsumerRunner(store, databaseUrl, projections);
  const started = performance.now();
  runner.start();
  try {
    while (!runner.hasReadUpTo(head)) await delay(5);
  } finally {
    await runner.stop();
  }
  return (performance.now() - started) / 1000;
}

/** A phase's payments and their rate. */
const paymentsIn = (payments: number, seconds: number) => ({
  payments,
  rate: `${Math.round(payments / seconds).toLocaleString('en-US')}/s`,
});

async function main(): Promise<void> {
  const seconds = Number(
    process.argv.find((arg) => arg.startsWith('--seconds='))?.split('=')[1] ?? process.env.BENCH_SECONDS ?? 8,
  );
  const batchSize = Number(process.argv.find((arg) => arg.startsWith('--batch='))?.split('=')[1] ?? 1);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch must be a positive integer');
  const connections = batchSize === 1 ? CONNECTIONS : BATCH_CONNECTIONS;
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const { app, baseUrl } = await startBenchLedger(database.url);
  const store = app.get<EventStore>(EVENT_STORE);
  const runner = app.get(ConsumerRunner);
  const projections = runner.projections();

  const now = new Date();
  const payers = Array.from({ length: PAYERS }, (_, index) => benchUser(`payer${index}`, 1_000_000));
  const merchant = benchUser('merchant', 0);
  const batcher = batchAdmin();
  await Promise.all([...payers, merchant, batcher].map((user) => store.append(seedRequests(user, now))));
  const load = (duration: number): LoadPlan => ({
    url: `${baseUrl}/api/v1/payments${batchSize === 1 ? '' : '/batch'}`,
    connections,
    seconds: duration,
    batchSize,
    payers: payers.map((user) => ({ apiKey: user.apiKey, accountId: accountOf(user) })),
    payeeAccountId: accountOf(merchant),
    apiKey: batchSize === 1 ? undefined : batcher.apiKey,
  });
  const write = async () => {
    const { round, failure } = await forkedRound(load(seconds));
    if (failure) throw new Error(`a payment failed: ${failure}`);
    return paymentsIn(round.payments, round.seconds);
  };

  // Every account's state in memory and every code path compiled before anything is measured.
  await forkedRound(load(WARM_UP_SECONDS));
  await ledgerCaughtUp(baseUrl, payers[0], merchant);
  const rows: Measured[] = [];
  rows.push(
    await measured('ledger as it runs (projections following)', async () => {
      const written = await write();
      await ledgerCaughtUp(baseUrl, payers[0], merchant);
      return written;
    }),
  );

  await runner.stop();
  const paused = await measured('write path alone (projections paused)', write);
  rows.push(paused);
  rows.push(
    await measured('all projections together, catching up', async () =>
      paymentsIn(paused.payments, await catchUp(store, database.url, projections)),
    ),
  );

  const second = await write();
  for (const projection of projections) {
    rows.push(
      await measured(`${projection.name} alone, catching up`, async () =>
        paymentsIn(second.payments, await catchUp(store, database.url, [projection])),
      ),
    );
  }

  await app.close();
  await database.close();
  console.log(
    `\nProjections benchmark — ${database.server}, ${cpus().length} cores, Node ${process.version}, ${batchSize === 1 ? 'one payment' : `batches of ${batchSize.toLocaleString('en-US')} payments`} a request, ${connections} connections, ${seconds} s of load a write phase\n`,
  );
  console.log('| measured | payments | payments/s | machine CPU a payment | API process CPU a payment |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) {
    const perPayment = (ms: number) => `${((ms * 1000) / row.payments).toFixed(0)} µs`;
    console.log(
      `| ${row.label} | ${row.payments.toLocaleString('en-US')} | ${row.rate} | ${perPayment(row.machineMs)} | ${perPayment(row.processMs)} |`,
    );
  }
}

runBenchmark(main);
