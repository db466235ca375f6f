/**
 * npm run bench:payments — the ledger against the ledger a team would hand-roll instead
 * (bench/hand-rolled/: balance rows locked and updated in place) and against single-row INSERTs,
 * on the same PostgreSQL, in one run, alternating (bench/round-robin.ts):
 *
 * - automatic payments of 1 to one merchant, spread over 1,000 payers and from one hot payer, at 16
 *   and 64 connections: the ledger's `POST /api/v1/payments`, the hand-rolled multi-statement and
 *   one-call variants;
 * - batches of 50, 100 and 1,000 such payments at 4 connections: the ledger's
 *   `POST /api/v1/payments/batch` when it has that route, the hand-rolled one-call batch variant;
 * - single-row INSERTs at 16 and 64 connections, by pgbench when it is on PATH, else through pg:
 *   the floor any write path stands on.
 *
 * Then, once: command latency on a payer with ~10 events against one with 100,000.
 *
 * Both servers run in this process; the HTTP load comes from a process of its own
 * (bench/load-generator.ts). Every scenario first runs once unmeasured (3 s), so that no round
 * measures a contender warming up. Each round also counts the machine's CPU (every process) until
 * its contender's work is done (for the ledger, until its projections have caught up), and of that
 * the server's own: this process's, which runs both servers and no load; and the WAL PostgreSQL
 * wrote meanwhile.
 *
 * Options (argv or env): --rounds=N (BENCH_ROUNDS, default 3), --seconds=S per scenario and round
 * (BENCH_SECONDS, default 8), --quick (1 round of 2 s, no warm-up, no long history: checks that it runs).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Pool } from 'pg';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { accountStreamName } from '@ledger/ledger-domain';
import { DemoUser, seedRequests } from '../apps/ledger-api/src/demo/demo-seed';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { accountOf, benchDatabase, benchUser, cpuMeter, runBenchmark, startBenchLedger } from './bench-database';
import {
  booksBalance,
  HandRolledBooks,
  installHandRolledSchema,
  openHandRolledAccounts,
  readHandRolledBooks,
} from './hand-rolled/hand-rolled-schema';
import { startHandRolledServer } from './hand-rolled/hand-rolled-server';
import { LoadPlan } from './load-generator';
import { measure, percentile } from './measure';
import { BATCH_CONNECTIONS, batchAdmin, forkedRound, ledgerCaughtUp, paymentOf, postAs } from './payment-load';
import { pgbenchAvailable, pgbenchInsertRound } from './pgbench';
import { comparisonTable, Round, runRoundRobin, Scenario } from './round-robin';

const PAYERS = 1_000;
const LONG_HISTORY = 100_000;
const HAND_ROLLED_KEY = 'hand-rolled-bench-key';
/** Each scenario's unmeasured first run (see runRoundRobin): long enough for most payers to be paid from. */
const WARM_UP_SECONDS = 3;

function benchOptions(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const flag = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const quick = argv.includes('--quick') || env.BENCH_QUICK === 'true';
  const rounds = Number(flag('rounds') ?? env.BENCH_ROUNDS ?? (quick ? 1 : 3));
  const seconds = Number(flag('seconds') ?? env.BENCH_SECONDS ?? (quick ? 2 : 8));
  if (!Number.isInteger(rounds) || rounds < 1 || !(seconds > 0)) {
    throw new Error('--rounds must be a positive integer and --seconds a positive number');
  }
  return { quick, rounds, seconds };
}

/** One round of single-row INSERTs, each of `connections` clients inserting one row after another. */
async function insertRound(pool: Pool, connections: number, seconds: number): Promise<Round> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const begin = performance.now();
        try {
          await pool.query('INSERT INTO bench_inserts (id, amount) VALUES ($1, $2)', [randomUUID(), 1]);
          latencies.push(performance.now() - begin);
        } catch {
          failures += 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    payments: latencies.length,
    seconds: (performance.now() - started) / 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

async function main(): Promise<void> {
  const { quick, rounds, seconds } = benchOptions(process.argv.slice(2), process.env);
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const { app, baseUrl } = await startBenchLedger(database.url);
  const store = app.get<EventStore>(EVENT_STORE);

  // The ledger's accounts are made through the event store directly: the same events the API would write.
  const now = new Date();
  const payers = Array.from({ length: PAYERS }, (_, index) => benchUser(`payer${index}`, 1_000_000));
  const hot = benchUser('hot', 1_000_000_000);
  const merchant = benchUser('merchant', 0);
  const fresh = benchUser('fresh', 1_000_000);
  const busy = benchUser('busy', 1_000_000);
  const batcher = batchAdmin();
  await Promise.all(
    [...payers, hot, merchant, fresh, busy, batcher].map((user) => store.append(seedRequests(user, now))),
  );
  if (!quick) await writeLongHistory(store, accountOf(busy), now.toISOString());
  await ledgerCaughtUp(baseUrl, hot, merchant);

  // The hand-rolled ledger: the same accounts, with the same opening balances, in its own schema.
  const handRolled = await startHandRolledServer({ databaseUrl: database.url, apiKey: HAND_ROLLED_KEY });
  await installHandRolledSchema(handRolled.pool);
  const opening = [...payers, hot, merchant].map((user) => ({
    id: accountOf(user),
    balance: user.accounts[0].funds,
    currency: 'EUR',
  }));
  await openHandRolledAccounts(handRolled.pool, opening);
  const opened = opening.reduce((sum, account) => sum + BigInt(account.balance), 0n);

  await handRolled.pool.query(
    'CREATE TABLE bench_inserts (id uuid PRIMARY KEY, amount bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())',
  );

  const failures = new Map<string, string>();
  const books: { label: string; books: HandRolledBooks; balanced: boolean }[] = [];
  const asPayer = (user: DemoUser) => ({ apiKey: user.apiKey, accountId: accountOf(user) });
  const spread = payers.map(asPayer);
  /** A round's load: payments of 1 to the merchant from `from`, `batchSize` a request. */
  const loadOf =
    (url: string, connections: number, batchSize: number, from: LoadPlan['payers'], apiKey?: string) =>
    (seconds: number): LoadPlan => ({
      url,
      connections,
      seconds,
      batchSize,
      payers: from,
      payeeAccountId: accountOf(merchant),
      apiKey,
    });
  const measured = async (scenario: string, plan: LoadPlan) => {
    const { round, failure } = await forkedRound(plan);
    if (failure) failures.set(scenario, failure);
    return round;
  };
  /** The server's WAL written so far, bytes: a server-wide counter, so any pool on it will do. */
  const walWritten = async () => {
    const { rows } = await handRolled.pool.query<{ bytes: string }>('SELECT wal_bytes::text AS bytes FROM pg_stat_wal');
    return Number(rows[0].bytes);
  };
  /**
   * A round with the machine's CPU spent on it, until `done` says the contender's work is done, and
   * this process's share (the server's, for the contenders that run in it), and the WAL written.
   */
  const withMachineCpu = async (run: () => Promise<Round>, done: () => Promise<void> = async () => undefined) => {
    const walBefore = await walWritten();
    const meter = cpuMeter();
    const round = await run();
    await done();
    return {
      ...round,
      cpuMs: meter.machineMs(),
      serverCpuMs: meter.processMs(),
      walBytes: (await walWritten()) - walBefore,
    };
  };
  /** A floor's round: no server of ours runs it, so only the machine's CPU is its. */
  const withFloorCpu = async (run: () => Promise<Round>) => {
    const { serverCpuMs: _notAServer, ...round } = await withMachineCpu(run);
    return round;
  };

  const ledger = (group: string, load: (seconds: number) => LoadPlan) =>
    ({
      group,
      contender: 'ledger',
      label: 'ledger',
      // The projections finish the round's work before the next scenario starts; the CPU they
      // spend catching up is the round's too.
      run: (duration) =>
        withMachineCpu(
          () => measured(`${group}, ledger`, load(duration)),
          () => ledgerCaughtUp(baseUrl, hot, merchant),
        ),
    }) satisfies Scenario;
  const handRolledVariant = (group: string, label: string, load: (seconds: number) => LoadPlan) =>
    ({
      group,
      contender: 'hand-rolled',
      label,
      run: async (duration) => {
        const round = await withMachineCpu(() => measured(`${group}, ${label}`, load(duration)));
        const after = await readHandRolledBooks(handRolled.pool);
        books.push({ label: `${group}, ${label}`, books: after, balanced: booksBalance(after, opened) });
        return round;
      },
    }) satisfies Scenario;
  const handRolledAt = (path: string) => `${handRolled.baseUrl}${path}`;

  const scenarios: Scenario[] = [];
  for (const [load, from] of [
    ['spread over 1,000 payers', spread],
    ['one hot payer', [asPayer(hot)]],
  ] as const) {
    for (const connections of [16, 64]) {
      const group = `${load}, ${connections} connections`;
      scenarios.push(
        ledger(group, loadOf(`${baseUrl}/api/v1/payments`, connections, 1, from)),
        handRolledVariant(
          group,
          '(a) statements',
          loadOf(handRolledAt('/multi-statement/payments'), connections, 1, from, HAND_ROLLED_KEY),
        ),
        handRolledVariant(
          group,
          '(b) one call',
          loadOf(handRolledAt('/one-call/payments'), connections, 1, from, HAND_ROLLED_KEY),
        ),
      );
    }
  }
  const batchRoute = await probeBatchRoute(baseUrl, batcher, paymentOf(hot, merchant));
  for (const size of [50, 100, 1_000]) {
    const group = `batches of ${size.toLocaleString('en-US')}, ${BATCH_CONNECTIONS} connections`;
    scenarios.push(
      {
        ...ledger(group, loadOf(`${baseUrl}/api/v1/payments/batch`, BATCH_CONNECTIONS, size, spread, batcher.apiKey)),
        unavailable: batchRoute,
      },
      handRolledVariant(
        group,
        '(c) one call per batch',
        loadOf(handRolledAt('/one-call/payments/batch'), BATCH_CONNECTIONS, size, spread, HAND_ROLLED_KEY),
      ),
    );
  }
  // pgbench when it is on PATH; else the same loop through pg, with its connections opened first.
  const pgbench = await pgbenchAvailable();
  const insertPools: Pool[] = [];
  for (const connections of [16, 64]) {
    const group = `single-row INSERT, ${connections} connections`;
    if (pgbench) {
      scenarios.push({
        group,
        contender: 'floor',
        label: 'INSERT via pgbench',
        run: (duration) => withFloorCpu(() => pgbenchInsertRound(database.url, 'bench_inserts', connections, duration)),
      });
      continue;
    }
    const pool = new Pool({ connectionString: database.url, max: connections });
    insertPools.push(pool);
    await Promise.all(Array.from({ length: connections }, () => pool.connect())).then((clients) =>
      clients.forEach((client) => client.release()),
    );
    scenarios.push({
      group,
      contender: 'floor',
      label: 'INSERT via pg',
      run: (duration) => withFloorCpu(() => insertRound(pool, connections, duration)),
    });
  }

  const summaries = await runRoundRobin(scenarios, {
    rounds,
    seconds,
    warmUpSeconds: quick ? 0 : WARM_UP_SECONDS,
    afterEach: (scenario, round) =>
      console.error(`${scenario.group}, ${scenario.label}: ${Math.round(round.payments / round.seconds)}/s`),
  });
  const history = quick ? undefined : await historyLatency(baseUrl, fresh, busy, merchant);

  await handRolled.close();
  await Promise.all(insertPools.map((pool) => pool.end()));
  await app.close();
  await database.close();

  console.log(
    `\nPayments benchmark — ${database.server}, ${cpus().length} cores, Node ${process.version}, ${rounds} round(s) of ${seconds} s per scenario, alternating, after ${quick ? 'no' : `a ${WARM_UP_SECONDS} s`} warm-up of each\n`,
  );
  comparisonTable(summaries).forEach((line) => console.log(line));
  console.log(
    `\nHand-rolled books after each of its ${books.length} runs (balances sum to the ${opened.toLocaleString('en-US')} opened, two entries per transfer, entries sum to zero): ${
      books.every((check) => check.balanced) ? 'balanced every time' : 'NOT BALANCED'
    }; at the end ${books.at(-1)?.books.transfers.toLocaleString('en-US')} transfers, ${books.at(-1)?.books.entries.toLocaleString('en-US')} entries.`,
  );
  books
    .filter((check) => !check.balanced)
    .forEach((check) => console.log(`- unbalanced after ${check.label}: ${JSON.stringify(check.books)}`));
  failures.forEach((answer, scenario) => console.log(`- ${scenario}: a failed request answered ${answer}`));
  if (history) {
    console.log('\n| one payment at a time | payments/s | p50 | p99 |\n|---|---:|---:|---:|');
    for (const [label, result] of [
      ['payer with ~10 events', history.small],
      ['payer with 100,000 events', history.large],
    ] as const) {
      console.log(
        `| ${label} | ${Math.round(result.perSecond)} | ${result.p50.toFixed(2)} ms | ${result.p99.toFixed(2)} ms |`,
      );
    }
    console.log(
      `\n100,000-event payer / 10-event payer, p50: ${(history.large.p50 / history.small.p50).toFixed(2)}× (target ≤ 1.2×)`,
    );
  }
}

async function writeLongHistory(store: EventStore, accountId: string, at: string): Promise<void> {
  for (let written = 0; written < LONG_HISTORY; written += 1_000) {
    await store.append([
      {
        streamName: accountStreamName(accountId),
        expectedRevision: 'any',
        events: Array.from({ length: 1_000 }, () => ({
          id: randomUUID(),
          type: 'FundsCredited',
          data: { accountId, amount: '1', reference: { type: 'deposit', id: randomUUID() }, at },
        })),
      },
    ]);
  }
}

/** Whether the ledger takes batches: undefined when it does, else why not (for the table). */
async function probeBatchRoute(baseUrl: string, admin: DemoUser, item: unknown): Promise<string | undefined> {
  const response = await postAs(`${baseUrl}/api/v1/payments/batch`, admin, { mode: 'independent', items: [item] });
  if (response.status === 404) return 'route absent';
  if (response.status >= 300) return `route answered ${response.status}`;
  return undefined;
}

async function historyLatency(baseUrl: string, fresh: DemoUser, busy: DemoUser, merchant: DemoUser) {
  const latency = (user: DemoUser) =>
    measure(200, 1, async () => {
      const response = await postAs(`${baseUrl}/api/v1/payments`, user, paymentOf(user, merchant));
      if (response.status !== 201) throw new Error(`payment answered ${response.status}`);
    });
  return { small: await latency(fresh), large: await latency(busy) };
}

runBenchmark(main);
