import { setTimeout as delay } from 'node:timers/promises';
import { startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../../test/ledger-traffic';

/** Every `ledger_consumer_lag_events` sample of a scrape, by consumer. */
async function lags(ledger: TestLedger): Promise<Record<string, number>> {
  const text = await (await fetch(`${ledger.baseUrl}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^ledger_consumer_lag_events\{consumer="([^"]+)",kind="\w+"\} (\d+)$/gm)].map(
      ([, consumer, lag]) => [consumer, Number(lag)],
    ),
  );
}

describe('Consumer lag (over HTTP)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
  });
  afterAll(() => ledger.close());

  it('reads 0 for every consumer once an idle ledger has handled its traffic', async () => {
    const traffic = ledgerTraffic(ledger);
    const customer = await traffic.user('Lag Customer', 'customer');
    const merchant = await traffic.user('Lag Merchant', 'merchant');
    const payer = await traffic.account(customer, 10_000);
    const payee = await traffic.account(merchant);
    const payment = await traffic.pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 700 });
    expect(payment.status).toBe(201);
    const withdrawal = await traffic.requestTransfer(customer, 'withdrawal', payer, 300);
    expect(withdrawal.status).toBe(202);

    // Idle from here: every consumer catches up, and nothing it does not handle counts as lag.
    let seen = await lags(ledger);
    for (let attempt = 0; attempt < 100 && Object.values(seen).some((lag) => lag > 0); attempt++) {
      await delay(100);
      seen = await lags(ledger);
    }
    expect(Object.keys(seen)).toEqual(expect.arrayContaining(['accounts', 'bank-work', 'journal', 'public-events']));
    expect(Object.entries(seen).filter(([, lag]) => lag > 0)).toEqual([]);
  });
});
