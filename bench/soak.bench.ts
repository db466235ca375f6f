/**
 * npm run bench:soak — steady payments, deposits and withdrawals for SOAK_MINUTES (default 10)
 * against the API in its own process, with a simulated bank (in this process) settling every
 * transfer; prints, per minute, the API process's peak RSS, lowest heap used, GC time and
 * throughput. Flat memory: the peak RSS of every minute after warm-up stays within 10 % of the
 * lowest such peak, whatever the traffic so far.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BankSimulator } from '@ledger/bank-simulator';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { benchDatabase, runBenchmark } from './bench-database';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const CUSTOMERS = 200;
const MERCHANTS = 20;
const FUNDS = 100_000_000;
/**
 * Warm-up lasts until the stream-state cache is full (~10,000 payments at the default bound; how
 * long that takes depends on the machine), or SOAK_WARM_UP_MINUTES when set.
 */
const WARM_UP_MINUTES = process.env.SOAK_WARM_UP_MINUTES ? Number(process.env.SOAK_WARM_UP_MINUTES) : undefined;
const ADMIN_KEY = `lk_bench_soak_admin_${randomUUID().replaceAll('-', '')}`;
const SECRET = 'bench-webhook-secret-0123456789';
const SAMPLE_EVERY_MS = 5_000;

type Operation = 'payment' | 'deposit' | 'withdrawal';
interface Party {
  key: string;
  account: string;
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  let port = 0;
  const bank = new BankSimulator({
    webhookUrl: () => `http://127.0.0.1:${port}/webhooks/bank-callback`,
    webhookSecret: SECRET,
    // Funding must settle; the soak itself then sees failures too.
    successRate: 1,
    minDelayMs: 50,
    maxDelayMs: 500,
  });
  const bankUrl = await bank.listen();
  port = await freePort();
  const api = startApi(port, {
    DATABASE_URL: database.url,
    DATABASE_MIGRATION_URL: database.migrationUrl,
    BANK_URL: bankUrl,
    BANK_WEBHOOK_SECRET: SECRET,
    LEDGER_ADMIN_API_KEY: ADMIN_KEY,
  });
  // An API that dies mid-run ends the run with what killed it, not with a silent wait.
  api.once('exit', (code, signal) => {
    if (!stopping) console.error(`The API exited during the soak (code ${code}, signal ${signal}).`);
  });
  let stopping = false;
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl);
    const call = client(baseUrl);
    const customers = await parties(call, 'customer', CUSTOMERS, FUNDS);
    const merchants = await parties(call, 'merchant', MERCHANTS, 0);
    bank.configure({ successRate: 0.95 });
    console.log(
      `\nSoak: ${MINUTES} min, ${CONNECTIONS} connections, ${CUSTOMERS} customers paying ${MERCHANTS} merchants; 80 % payments, 10 % deposits, 10 % withdrawals; bank settles in 50–500 ms. ${database.server}, ${process.version}.\n`,
    );
    console.log(
      '| minute | peak RSS MB | lowest heap used MB | GC ms | payments/s | deposits/s | withdrawals/s | failures | stream states cached |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');

    const counts = { payment: 0, deposit: 0, withdrawal: 0, failed: 0 };
    const deadline = Date.now() + MINUTES * 60_000;
    const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];
    const worker = async () => {
      while (Date.now() < deadline) {
        const roll = Math.random();
        const operation: Operation = roll < 0.8 ? 'payment' : roll < 0.9 ? 'deposit' : 'withdrawal';
        const payer = pick(customers);
        const body =
          operation === 'payment'
            ? {
                payerAccountId: payer.account,
                payeeAccountId: pick(merchants).account,
                amount: 1 + Math.floor(Math.random() * 100),
              }
            : { accountId: payer.account, amount: operation === 'deposit' ? 1_000 : 500 };
        const path = operation === 'payment' ? '/api/v1/payments' : `/api/v1/${operation}s`;
        const { status } = await call('POST', path, payer.key, body).catch(() => ({ status: 0 }));
        if (status === 201 || status === 202) counts[operation] += 1;
        else counts.failed += 1;
      }
    };
    const workers = Promise.all(Array.from({ length: CONNECTIONS }, worker));

    // RSS follows the garbage collector's saw-tooth: sampled every 5 s, a minute's figure is its
    // peak (what the machine must have), and the heap's low is what stays alive after collections.
    let lastGc = (await scrape(baseUrl)).gcSeconds;
    let last = { ...counts };
    const peaks: number[] = [];
    let warmUpMinutes = WARM_UP_MINUTES;
    for (let minute = 1; minute <= MINUTES; minute++) {
      const minuteEnds = deadline - (MINUTES - minute) * 60_000;
      let sample = await scrape(baseUrl);
      let peakRss = sample.rssBytes;
      let lowHeap = sample.heapUsedBytes;
      while (Date.now() < minuteEnds) {
        await delay(Math.min(SAMPLE_EVERY_MS, Math.max(0, minuteEnds - Date.now())));
        sample = await scrape(baseUrl);
        peakRss = Math.max(peakRss, sample.rssBytes);
        lowHeap = Math.min(lowHeap, sample.heapUsedBytes);
      }
      const perSecond = (key: keyof typeof counts) => Math.round((counts[key] - last[key]) / 60);
      peaks.push(peakRss);
      if (warmUpMinutes === undefined && sample.streamStates >= sample.streamStatesCapacity) warmUpMinutes = minute;
      console.log(
        `| ${minute} | ${mb(peakRss)} | ${mb(lowHeap)} | ${Math.round((sample.gcSeconds - lastGc) * 1000)} | ${perSecond('payment')} | ${perSecond('deposit')} | ${perSecond('withdrawal')} | ${counts.failed - last.failed} | ${sample.streamStates} |`,
      );
      lastGc = sample.gcSeconds;
      last = { ...counts };
    }
    stopping = true;
    await workers;
    const steady = peaks.slice(warmUpMinutes ?? MINUTES);
    if (steady.length === 0)
      console.log('\nThe caches never filled: run longer (SOAK_MINUTES) for a verdict on flat memory.');
    else {
      const low = Math.min(...steady);
      const spread = ((Math.max(...steady) - low) / low) * 100;
      console.log(
        `\nPeak RSS per minute after ${warmUpMinutes} min of warm-up (the caches full): ${mb(low)}–${mb(Math.max(...steady))} MB, spread ${spread.toFixed(1)} % (${spread <= 10 ? 'flat' : 'NOT flat'}: the bound is 10 %).`,
      );
    }
  } finally {
    if (api.exitCode === null && api.signalCode === null) {
      api.kill('SIGTERM');
      await new Promise((resolve) => api.once('exit', resolve));
    }
    await bank.close();
    await database.close();
  }
}

function startApi(port: number, env: Record<string, string>): ChildProcess {
  // The API gets this process's Node flags: package.json starts bench:soak with the ones npm start uses.
  const child = spawn(process.execPath, [...process.execArgv, join(__dirname, '../apps/ledger-api/src/main.js')], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: 'error',
      LEDGER_SEED_DEMO: 'false',
      RATE_LIMIT_BALANCE_PER_USER_PER_MIN: '0',
      RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN: '0',
      RATE_LIMIT_PER_USER_PER_MIN: '0',
      RATE_LIMIT_GLOBAL_PER_MIN: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`the API exited (${code ?? signal})`);
  });
  return child;
}

function client(baseUrl: string) {
  return async (method: string, path: string, key: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** Users with one EUR account each, funded by settled deposits. */
async function parties(
  call: ReturnType<typeof client>,
  role: 'customer' | 'merchant',
  count: number,
  funds: number,
): Promise<Party[]> {
  const made: Party[] = [];
  for (let index = 0; index < count; index++) {
    const user = await call('POST', '/api/v1/users', ADMIN_KEY, { name: `${role} ${index}`, role });
    const account = await call('POST', '/api/v1/accounts', user.body.apiKey, { currency: 'EUR' });
    if (funds > 0)
      await call('POST', '/api/v1/deposits', user.body.apiKey, { accountId: account.body.id, amount: funds });
    made.push({ key: user.body.apiKey, account: account.body.id });
  }
  // Funded once the bank has settled the deposits.
  for (const party of funds > 0 ? made : []) {
    for (let attempt = 0; ; attempt++) {
      const account = await call('GET', `/api/v1/accounts/${party.account}`, party.key);
      if (account.body?.balance?.available >= funds) break;
      if (attempt > 600) throw new Error('funding deposits did not settle');
      await delay(100);
    }
  }
  return made;
}

async function scrape(baseUrl: string) {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const values = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].map(([, value]) => Number(value));
  const sum = (name: string) => values(name).reduce((total, value) => total + value, 0);
  return {
    rssBytes: sum('process_resident_memory_bytes'),
    heapUsedBytes: sum('nodejs_heap_size_used_bytes'),
    gcSeconds: sum('nodejs_gc_duration_seconds_sum'),
    streamStates: Number(/^ledger_cache_entries\{cache="stream_states"\} (\d+)$/m.exec(text)?.[1] ?? NaN),
    streamStatesCapacity: Number(/^ledger_cache_capacity\{cache="stream_states"\} (\d+)$/m.exec(text)?.[1] ?? NaN),
  };
}

async function waitForHealth(baseUrl: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const healthy = await fetch(`${baseUrl}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await delay(100);
  }
  throw new Error('the API did not become healthy in 60 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const mb = (bytes: number) => Math.round(bytes / 1_048_576);

runBenchmark(main);
