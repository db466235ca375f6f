import { freePort } from '@ledger/database';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from './eventually';
import { BankSimulator } from '@ledger/bank-simulator';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { AccountEvent, evolveAccount, heldAmount, initialAccountState } from '@ledger/ledger-domain';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './database';
import { apiClient } from './ledger-app';
import { LedgerProcess, startLedgerProcess } from './ledger-process';

const SECRET = 'restart-test-webhook-secret';
const ADMIN_KEY = `restart-admin-${randomUUID()}`;

/**
 * Crashes: the ledger process is killed (SIGKILL) mid-flow and started again on the same
 * database, with a bank that lives in another process (here, the test's).
 */
describe('the ledger killed and restarted', () => {
  let database: TestDatabase;
  let bank: BankSimulator;
  let bankUrl: string;
  let port: number;
  let ledger: LedgerProcess | undefined;
  const api = () => apiClient(`http://127.0.0.1:${port}`);

  beforeAll(async () => {
    database = await createTestDatabase([CONSUMER_MIGRATIONS]);
    port = await freePort();
    bank = new BankSimulator({
      webhookUrl: () => `http://127.0.0.1:${port}/webhooks/bank-callback`,
      webhookSecret: SECRET,
      successRate: 1,
      minDelayMs: 1_500,
      maxDelayMs: 2_000,
    });
    bankUrl = await bank.listen();
  });
  afterAll(async () => {
    ledger?.kill();
    await bank.close();
    await database.drop();
  });

  async function startLedger(url: string): Promise<void> {
    ledger = await startLedgerProcess(port, {
      DATABASE_URL: database.url,
      DATABASE_MIGRATION_URL: database.migrationUrl,
      BANK_URL: url,
      BANK_WEBHOOK_SECRET: SECRET,
      LEDGER_ADMIN_API_KEY: ADMIN_KEY,
    });
  }

  function killLedger(): void {
    ledger?.kill();
    ledger = undefined;
  }

  async function settledWithdrawal(key: string, id: string) {
    return eventually(async () => {
      const response = await api().get(`/api/v1/withdrawals/${id}`, key);
      return ['succeeded', 'failed'].includes(response.body?.status) ? response.body : undefined;
    }, 60_000);
  }

  it('applies a callback that arrives while it is down exactly once, and sends what it had not sent', async () => {
    await startLedger(bankUrl);
    const user = (await api().post('/api/v1/users', ADMIN_KEY, { name: 'Ivy', role: 'customer' })).body;
    const account = (await api().post('/api/v1/accounts', user.apiKey, { currency: 'EUR' })).body;
    const deposit = await api().post(
      '/api/v1/deposits',
      user.apiKey,
      { accountId: account.id, amount: 100 },
      { 'Idempotency-Key': 'd1' },
    );
    await eventually(
      async () => (await api().get(`/api/v1/deposits/${deposit.body.id}`, user.apiKey)).body?.status === 'succeeded',
      30_000,
    );

    // 1. The bank has the withdrawal; the ledger dies before the bank calls back.
    const first = await api().post(
      '/api/v1/withdrawals',
      user.apiKey,
      { accountId: account.id, amount: 40 },
      { 'Idempotency-Key': 'w1' },
    );
    expect(first.status).toBe(202);
    await eventually(async () => (await fetch(`${bankUrl}/transfers/${first.body.id}`)).status === 200, 10_000);
    killLedger();
    await delay(2_500); // the bank's callback now fails; it will retry

    // 2. The bank is unreachable: the next withdrawal is requested but cannot be sent; the ledger dies again.
    await startLedger('http://127.0.0.1:9');
    const second = await api().post(
      '/api/v1/withdrawals',
      user.apiKey,
      { accountId: account.id, amount: 30 },
      { 'Idempotency-Key': 'w2' },
    );
    expect(second.status).toBe(202);
    await delay(500);
    killLedger();
    expect((await fetch(`${bankUrl}/transfers/${second.body.id}`)).status).toBe(404);

    // 3. Back with the bank: both settle, each exactly once.
    await startLedger(bankUrl);
    expect(await settledWithdrawal(user.apiKey, first.body.id)).toMatchObject({ status: 'succeeded' });
    expect(await settledWithdrawal(user.apiKey, second.body.id)).toMatchObject({ status: 'succeeded' });
    await delay(500);
    const balance = await eventually(async () => {
      const response = await api().get(`/api/v1/accounts/${account.id}/balance`, user.apiKey);
      return response.body?.held === 0 ? response.body : undefined;
    }, 10_000);
    expect(balance).toMatchObject({ ledger: 30, held: 0, available: 30 });
    const transactions = await api().get(`/api/v1/accounts/${account.id}/transactions?type=withdrawal`, user.apiKey);
    expect(
      transactions.body.data.map((row: { amount: number; status: string }) => [row.amount, row.status]).sort(),
    ).toEqual([
      [30, 'succeeded'],
      [40, 'succeeded'],
    ]);
    killLedger();
  });
});

describe('the ledger killed during a burst of concurrent payments', () => {
  it('restarts with every account equal to its replay and a balanced journal', async () => {
    const database = await createTestDatabase([CONSUMER_MIGRATIONS]);
    const port = await freePort();
    const start = () =>
      startLedgerProcess(port, {
        DATABASE_URL: database.url,
        DATABASE_MIGRATION_URL: database.migrationUrl,
        BANK_WEBHOOK_SECRET: SECRET,
        LEDGER_ADMIN_API_KEY: ADMIN_KEY,
        LEDGER_SEED_DEMO: 'true',
      });
    const api = apiClient(`http://127.0.0.1:${port}`);
    const alice = 'lk_demo_alice_customer_key_0001';
    const bob = 'lk_demo_bob_customer_key_00002';
    const eurAccount = (key: string) =>
      eventually(async () => {
        const body = (await api.get('/api/v1/accounts', key)).body;
        return body.data?.find((account: { currency: string }) => account.currency === 'EUR')?.id as string | undefined;
      }, 10_000);

    let child = await start();
    try {
      const [payer, payee] = [await eurAccount(alice), await eurAccount(bob)];
      const burst = Array.from({ length: 300 }, (_, index) =>
        api
          .post(
            '/api/v1/payments',
            index % 2 ? alice : bob,
            { payerAccountId: index % 2 ? payer : payee, payeeAccountId: index % 2 ? payee : payer, amount: 7 },
            { 'Idempotency-Key': randomUUID() },
          )
          .catch(() => undefined),
      );
      await delay(1_000);
      child.kill();
      const answers = await Promise.all(burst);
      // Killed mid-burst: some payments were answered, some never were.
      expect(answers.filter((answer) => answer?.status === 201).length).toBeGreaterThan(0);
      expect(answers.filter((answer) => answer === undefined).length).toBeGreaterThan(0);

      child = await start();
      const [last] = (await readEvents(database.url)).slice(-1);
      const position = `${last.transaction_id}-${last.global_position}`;
      expect((await api.get('/api/v1/users/me', alice, { 'X-Min-Position': position })).status).toBe(200);

      for (const accountId of [payer, payee]) {
        const replayed = (await readEvents(database.url, `account-${accountId}`)).reduce(
          (state, event) => evolveAccount(state, { type: event.event_type, data: event.data } as AccountEvent),
          initialAccountState,
        );
        const balance = (await api.get(`/api/v1/accounts/${accountId}/balance`, ADMIN_KEY)).body;
        expect(replayed.status).toBe('open');
        expect(BigInt(balance.ledger)).toBe(replayed.status === 'open' ? replayed.ledger : -1n);
        expect(BigInt(balance.held)).toBe(heldAmount(replayed));
      }
      const { rows } = await database.pool.query(
        'SELECT currency, sum(amount)::text AS total FROM rm_journal GROUP BY currency',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.total).toBe('0');
    } finally {
      child.kill();
      await database.drop();
    }
  });
});

/** Events straight from the event store's table, as an auditor would read them. */
async function readEvents(url: string, streamName?: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      transaction_id: string;
      global_position: string;
      event_type: string;
      data: unknown;
    }>(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, event_type, data
         FROM es_events WHERE $1::text IS NULL OR stream_name = $1
        ORDER BY es_events.transaction_id, es_events.global_position`,
      [streamName ?? null],
    );
    return rows;
  } finally {
    await client.end();
  }
}
