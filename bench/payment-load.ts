/**
 * The payment benchmarks' load on the ledger (bench:payments, bench:projections): payments over
 * HTTP from a load generator of its own, and the wait for the read models to include them.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DemoUser } from '../apps/ledger-api/src/demo/demo-seed';
import { accountOf, benchUser } from './bench-database';
import { LoadPlan, LoadResult } from './load-generator';

/** Batches of payments go over this many connections, in every payment benchmark. */
export const BATCH_CONNECTIONS = 4;

/** Who posts the batches: they pay from many payers' accounts, which an admin may. */
export const batchAdmin = (): DemoUser => ({ ...benchUser('batcher', 0), role: 'admin', accounts: [] });

/**
 * One round of HTTP load from a process of its own (bench/load-generator.ts): the server measured,
 * in this process, shares its event loop with no client.
 */
export function forkedRound(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const generator = fork(join(__dirname, 'load-generator.js'));
    generator.once('message', (result: LoadResult) => resolve(result));
    generator.once('error', reject);
    generator.once('exit', (code) => reject(new Error(`the load generator exited with ${code} before answering`)));
    generator.send(plan);
  });
}

/** A money-moving request's headers and body, with a fresh Idempotency-Key. */
const jsonRequest = (authorization: string, body: unknown) => ({
  headers: { 'content-type': 'application/json', authorization, 'idempotency-key': randomUUID() },
  body: JSON.stringify(body),
});

/** A POST to the ledger as `user`. */
export const postAs = (url: string, user: DemoUser, body: unknown) =>
  fetch(url, { method: 'POST', ...jsonRequest(`Bearer ${user.apiKey}`, body) });

/** One payment of 1 to the payee: what every single-payment scenario sends. */
export const paymentOf = (payer: DemoUser, payee: DemoUser) => ({
  payerAccountId: accountOf(payer),
  payeeAccountId: accountOf(payee),
  amount: 1,
});

/**
 * Makes one payment and waits until every projection has reached it (X-Min-Position, public API):
 * what was written before it has been projected too.
 */
export async function ledgerCaughtUp(baseUrl: string, payer: DemoUser, payee: DemoUser): Promise<void> {
  const response = await postAs(`${baseUrl}/api/v1/payments`, payer, paymentOf(payer, payee));
  const position = response.headers.get('x-ledger-position');
  if (response.status !== 201 || !position) throw new Error(`a payment answered ${response.status}`);
  for (;;) {
    const read = await fetch(`${baseUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${payer.apiKey}`, 'X-Min-Position': position },
    });
    if (read.status === 200) return;
    if (read.status !== 503) throw new Error(`waiting for the projections answered ${read.status}`);
  }
}
