/**
 * npm run bench:bank — how fast requested transfers reach the bank: deposits requested at a steady
 * rate (open loop) for a while, and for each the time from its request leaving the client to the
 * bank taking it (the bank runs in this process, outside the API, and notes each arrival).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { BankSimulator } from '@ledger/bank-simulator';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { benchDatabase, demoEurAccount, runBenchmark, startBenchLedger } from './bench-database';
import { percentile } from './measure';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '25,50,100,500').split(',').map(Number);
const DRAIN_MS = 30_000;
const MAX_IN_FLIGHT = 256;
const ALICE = 'lk_demo_alice_customer_key_0001';
const SECRET = 'bench-webhook-secret-0123456789';

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const arrived = new Map<string, number>();
  let baseUrl = '';
  const bank = new BankSimulator({
    webhookUrl: () => `${baseUrl}/webhooks/bank-callback`,
    webhookSecret: SECRET,
    successRate: 1,
    minDelayMs: 200,
    maxDelayMs: 1_000,
    onAccepted: (transfer) => arrived.set(transfer.transferId, performance.now()),
  });
  const ledger = await startBenchLedger(database.url, {
    LEDGER_SEED_DEMO: 'true',
    BANK_URL: await bank.listen(),
    BANK_WEBHOOK_SECRET: SECRET,
  });
  baseUrl = ledger.baseUrl;
  const headers = { authorization: `Bearer ${ALICE}` };
  const account = await demoEurAccount(baseUrl, ALICE);

  const rows: string[] = [];
  for (const rate of RATES) {
    const sent = new Map<string, number>();
    /** When the 202 came back: the transfer was committed by then. */
    const answered = new Map<string, number>();
    let inFlight = 0;
    let refused = 0;
    let failed = 0;
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (let tick = 0; performance.now() - started < SECONDS * 1000; tick++) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate) - pending.length;
      for (let n = 0; n < due && inFlight < MAX_IN_FLIGHT; n++) {
        const at = performance.now();
        inFlight += 1;
        pending.push(
          fetch(`${baseUrl}/api/v1/deposits`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify({ accountId: account.id, amount: 1 }),
          }).then(
            async (response) => {
              inFlight -= 1;
              const body = (await response.json()) as { id?: string };
              if (response.status === 202 && body.id) {
                sent.set(body.id, at);
                answered.set(body.id, performance.now());
              } else refused += 1;
            },
            () => {
              failed += 1;
              inFlight -= 1;
            },
          ),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const requestSeconds = (performance.now() - started) / 1000;
    await Promise.all(pending);
    const asked = pending.length;
    const drainUntil = performance.now() + DRAIN_MS;
    while ([...sent.keys()].some((id) => !arrived.has(id)) && performance.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies = [...sent]
      .flatMap(([id, at]) => (arrived.has(id) ? [arrived.get(id)! - at] : []))
      .sort((a, b) => a - b);
    const missing = sent.size - latencies.length;
    // From the answer: the hand-off alone, without the request's own queueing in a saturated API.
    const afterAnswer = [...answered]
      .flatMap(([id, at]) => (arrived.has(id) ? [Math.max(0, arrived.get(id)! - at)] : []))
      .sort((a, b) => a - b);
    rows.push(
      `| ${rate}/s asked | ${Math.round(asked / requestSeconds)}/s | ${latencies.length} of ${asked} | ` +
        `${Math.round(percentile(latencies, 50))} ms | ${Math.round(percentile(latencies, 99))} ms | ` +
        `${Math.round(percentile(afterAnswer, 50))} ms | ${Math.round(percentile(afterAnswer, 99))} ms | ` +
        `${refused + failed + missing} (${refused} refused, ${failed} errors, ${missing} never reached the bank) |`,
    );
  }

  await ledger.app.close();
  await bank.close();
  await database.close();
  console.log(
    `\nBank hand-off — ${database.server}, ${cpus().length} cores, Node ${process.version}, ${SECONDS} s per rate.\n` +
      'Deposits of 1 to one demo account; latency is from the request leaving the client to the bank taking it.\n',
  );
  console.log('| load | requested | reached the bank | request → bank p50 | p99 | 202 → bank p50 | p99 | failures |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  rows.forEach((row) => console.log(row));
}

runBenchmark(main);
