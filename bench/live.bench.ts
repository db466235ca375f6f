/**
 * npm run bench:live — how soon a committed payment shows on another client's live stream: the
 * demo customer pays the demo merchant, one payment at a time, while the merchant follows
 * GET /api/v1/live; for each payment, the time from its 201 reaching the payer to its
 * PaymentAuthorized notice reaching the merchant (negative: the notice came first).
 */
import { randomUUID } from 'node:crypto';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { openLive } from '../test/sse';
import { benchDatabase, demoEurAccount, runBenchmark, startBenchLedger } from './bench-database';
import { percentile } from './measure';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100);
const ALICE = 'lk_demo_alice_customer_key_0001';
const SHOP = 'lk_demo_shop_merchant_key_0003';
const NOTICE_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const ledger = await startBenchLedger(database.url, { LEDGER_SEED_DEMO: 'true', RATE_LIMIT_USER_PER_MIN: '0' });
  try {
    const payer = await demoEurAccount(ledger.baseUrl, ALICE);
    const payee = await demoEurAccount(ledger.baseUrl, SHOP);
    const opening = await openLive(ledger.baseUrl, SHOP);
    if (!opening.stream) throw new Error(`live answered ${opening.status}`);
    const stream = opening.stream;
    await stream.waitFor((message) => message.event === 'ready');
    const fromAnswer: number[] = [];
    const fromRequest: number[] = [];
    for (let index = 0; index < PAYMENTS; index++) {
      const sent = performance.now();
      const response = await fetch(`${ledger.baseUrl}/api/v1/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ALICE}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ payerAccountId: payer.id, payeeAccountId: payee.id, amount: 1 }),
      });
      const answered = performance.now();
      const { id } = (await response.json()) as { id: string };
      if (response.status !== 201) throw new Error(`payment answered ${response.status}`);
      const notice = await stream.waitFor(
        (message) => message.event === 'change' && isAuthorizationOf(message.data, id),
        NOTICE_TIMEOUT_MS,
      );
      fromAnswer.push(notice.receivedAt - answered);
      fromRequest.push(notice.receivedAt - sent);
    }
    stream.close();

    const row = (name: string, values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const ms = (value: number) => `${value.toFixed(1)} ms`;
      return `| ${name} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} | ${ms(sorted[sorted.length - 1])} |`;
    };
    console.log(`\nLive notice delay over ${PAYMENTS} payments, one at a time (${database.server})\n`);
    console.log('| measured | p50 | p99 | max |');
    console.log('|---|---:|---:|---:|');
    console.log(row("payment's 201 at the payer → notice on the merchant's stream", fromAnswer));
    console.log(row("payment request sent → notice on the merchant's stream", fromRequest));
  } finally {
    await ledger.app.close();
    await database.close();
  }
}

function isAuthorizationOf(data: string, paymentId: string): boolean {
  const notice = JSON.parse(data) as { type: string; id: string };
  return notice.type === 'PaymentAuthorized' && notice.id === paymentId;
}

runBenchmark(main);
