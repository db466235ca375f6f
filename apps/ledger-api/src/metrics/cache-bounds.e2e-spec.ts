import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

const STREAM_STATES = 100;
const API_KEYS = 10;
const PAYERS = 30;
const PAYMENTS = 2_000;
const FUNDS = 1_000_000;

/** `ledger_cache_entries` and `ledger_cache_capacity` by cache, from a scrape. */
function cacheGauges(metrics: string, name: string): Record<string, number> {
  const pattern = new RegExp(`^${name}\\{cache="([a-z_]+)"\\} (\\d+)$`, 'gm');
  return Object.fromEntries([...metrics.matchAll(pattern)].map(([, cache, value]) => [cache, Number(value)]));
}

describe('In-memory caches stay within their configured bounds under traffic (over HTTP)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger({
      ...FAST_BANK_ENV,
      STREAM_STATE_CACHE_ENTRIES: String(STREAM_STATES),
      API_KEY_CACHE_ENTRIES: String(API_KEYS),
    });
  });
  afterAll(() => ledger.close());

  it(`${PAYMENTS} payments from ${PAYERS} payers fill the caches to their bounds and no further, and move every cent`, async () => {
    const traffic = ledgerTraffic(ledger);
    const merchant = await traffic.user('merchant', 'merchant');
    const merchantAccount = await traffic.account(merchant);
    const payers: { user: TestUser; account: string }[] = [];
    for (let index = 0; index < PAYERS; index++) {
      const user = await traffic.user(`payer-${index}`, 'customer');
      payers.push({ user, account: await traffic.account(user, FUNDS) });
    }

    let next = 0;
    const statuses: number[] = [];
    const worker = async () => {
      for (let index = next++; index < PAYMENTS; index = next++) {
        const payer = payers[index % PAYERS];
        const response = await traffic.pay(payer.user, {
          payerAccountId: payer.account,
          payeeAccountId: merchantAccount,
          amount: 1,
        });
        statuses.push(response.status);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(statuses.filter((status) => status !== 201)).toEqual([]);

    const metrics = await (await fetch(`${ledger.baseUrl}/metrics`)).text();
    const entries = cacheGauges(metrics, 'ledger_cache_entries');
    const capacity = cacheGauges(metrics, 'ledger_cache_capacity');
    expect(capacity).toEqual({ stream_states: STREAM_STATES, api_keys: API_KEYS, unknown_api_keys: API_KEYS });
    for (const [cache, bound] of Object.entries(capacity)) expect(entries[cache]).toBeLessThanOrEqual(bound);
    // Far more streams and keys were used than the caches hold: they filled, then evicted (a state
    // whose append failed or went stale is dropped, so the stream cache may sit a little below full).
    expect(entries.stream_states).toBeGreaterThan(STREAM_STATES / 2);
    expect(entries.api_keys).toBe(API_KEYS);
    // Every command has finished: no queue entry outlives its work.
    expect(entries.account_queues).toBe(0);

    const headers = await caughtUpHeaders(ledger);
    const merchantBalance = await traffic.api.get(`/api/v1/accounts/${merchantAccount}`, merchant.apiKey, headers);
    expect(merchantBalance.body.balance.ledger).toBe(PAYMENTS);
    let payersTotal = 0;
    for (const payer of payers) {
      const account = await traffic.api.get(`/api/v1/accounts/${payer.account}`, payer.user.apiKey, headers);
      payersTotal += account.body.balance.ledger;
    }
    expect(payersTotal).toBe(PAYERS * FUNDS - PAYMENTS);
  });
});
