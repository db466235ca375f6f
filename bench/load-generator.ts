/**
 * The payments benchmark's HTTP load, in a process of its own (payments.bench.ts forks this
 * file): a server measured shares no event loop with the client loading it, as no real server
 * does. Both contenders are loaded the same way.
 *
 * Given a LoadPlan as its one message, it sends payments of 1 to the payee from payers picked at
 * random, one a request or in batches, for the plan's seconds, and answers with a LoadResult.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import type { Round } from './round-robin';

export interface LoadPlan {
  url: string;
  connections: number;
  seconds: number;
  /** Payments a request: 1 posts one payment, more post `{ mode: 'independent', items }`. */
  batchSize: number;
  /** Each payment's payer, picked at random: its key authorizes a single payment unless `apiKey` does. */
  payers: readonly { apiKey: string; accountId: string }[];
  payeeAccountId: string;
  /** The key every request carries (a batch's admin, the hand-rolled server's key). */
  apiKey?: string;
}

export interface LoadResult {
  round: Round;
  /** What the first failed request answered. */
  failure?: string;
}

const pickPayer = (plan: LoadPlan) => plan.payers[Math.floor(Math.random() * plan.payers.length)];

const paymentFrom = (plan: LoadPlan, payer: LoadPlan['payers'][number]) => ({
  payerAccountId: payer.accountId,
  payeeAccountId: plan.payeeAccountId,
  amount: 1,
});

function requestOf(plan: LoadPlan): { headers: Record<string, string>; body: string } {
  const payer = pickPayer(plan);
  const body =
    plan.batchSize === 1
      ? paymentFrom(plan, payer)
      : {
          mode: 'independent',
          items: Array.from({ length: plan.batchSize }, () => paymentFrom(plan, pickPayer(plan))),
        };
  return {
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${plan.apiKey ?? payer.apiKey}`,
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body),
  };
}

/** One round of the plan's load through autocannon: payments are 2xx answers × the batch size. */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  let failure: string | undefined;
  const result = await autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: plan.seconds,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        setupRequest: (base) => ({ ...base, ...requestOf(plan) }),
        onResponse: (status, body) => {
          if (status >= 300) failure ??= `${status} ${body.slice(0, 200)}`;
        },
      },
    ],
  });
  return {
    round: {
      payments: result['2xx'] * plan.batchSize,
      seconds: result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      failures: result.non2xx + result.errors + result.timeouts,
    },
    failure,
  };
}

if (require.main === module) {
  process.once('message', (plan: LoadPlan) => {
    void runLoad(plan).then((result) => process.send!(result, () => process.exit(0)));
  });
}
