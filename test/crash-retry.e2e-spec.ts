import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { freePort } from '@ledger/database';
import { createTestDatabase, TestDatabase } from './database';
import { eventually } from './eventually';
import { apiClient, ApiResponse, caughtUpHeaders } from './ledger-app';
import { LedgerProcess, startLedgerProcess } from './ledger-process';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from './ledger-traffic';

const ADMIN_KEY = `crash-admin-${randomUUID()}`;
const EACH = 12;
/** What a client that lost its answer does: ask again with the same key, soon and often. */
const RETRY_EVERY_MS = 100;

interface Request {
  name: string;
  path: string;
  owner: TestUser;
  body: Record<string, unknown>;
  key: string;
  /** The status the command answers when it runs (every request here is valid). */
  expected: number;
}

/**
 * The ledger SIGKILLed during a burst of captures, voids, refunds and withdrawals. Every client
 * retries its request with its Idempotency-Key after the restart and must get the answer the first
 * attempt gave (or would have given), within seconds of the ledger being back.
 */
describe('requests in flight when the ledger is killed', () => {
  let database: TestDatabase;
  let ledger: LedgerProcess | undefined;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase([CONSUMER_MIGRATIONS]);
    port = await freePort();
  });
  afterAll(async () => {
    ledger?.kill();
    await database.drop();
  });

  const start = async () => {
    ledger = await startLedgerProcess(port, {
      DATABASE_URL: database.url,
      DATABASE_MIGRATION_URL: database.migrationUrl,
      LEDGER_ADMIN_API_KEY: ADMIN_KEY,
      ...FAST_BANK_ENV,
    });
  };

  it('answers every retry with the first answer, soon after the restart', async () => {
    await start();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = apiClient(baseUrl);
    const traffic = ledgerTraffic({ baseUrl, adminKey: ADMIN_KEY });
    const customer = await traffic.user('Kit', 'customer');
    const merchant = await traffic.user('Shop', 'merchant');
    const payer = await traffic.account(customer, 100_000);
    const payee = await traffic.account(merchant);

    const payment = async (captureMethod: 'manual' | 'automatic') =>
      (await traffic.pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 100, captureMethod })).body
        .id as string;
    const toCapture = await Promise.all(Array.from({ length: EACH }, () => payment('manual')));
    const toVoid = await Promise.all(Array.from({ length: EACH }, () => payment('manual')));
    const toRefund = await Promise.all(Array.from({ length: EACH }, () => payment('automatic')));
    const request = (name: string, path: string, owner: TestUser, body: Record<string, unknown>, expected: number) =>
      ({ name, path, owner, body, key: randomUUID(), expected }) satisfies Request;
    const requests: Request[] = [
      ...toCapture.map((id) => request('capture', `/api/v1/payments/${id}/capture`, merchant, { amount: 60 }, 200)),
      ...toVoid.map((id) => request('void', `/api/v1/payments/${id}/void`, customer, {}, 200)),
      ...toRefund.map((id) => request('refund', `/api/v1/payments/${id}/refunds`, merchant, { amount: 30 }, 201)),
      ...toCapture.map(() =>
        request('withdrawal', '/api/v1/withdrawals', customer, { accountId: payer, amount: 7 }, 202),
      ),
    ];
    const send = (r: Request) => api.post(r.path, r.owner.apiKey, r.body, { 'Idempotency-Key': r.key });

    // The burst; the ledger dies once some of it has been answered.
    const firstAnswers = new Map<Request, ApiResponse>();
    const burst = Promise.all(
      requests.map((r) =>
        send(r).then(
          (response) => void firstAnswers.set(r, response),
          () => undefined,
        ),
      ),
    );
    await eventually(async () => firstAnswers.size >= requests.length / 10, 10_000);
    ledger!.kill();
    await burst;
    const inFlight = requests.filter((r) => !firstAnswers.has(r));
    expect(inFlight.length).toBeGreaterThan(0);

    // Every client retries until it gets an answer other than "still running"; meanwhile the ledger restarts.
    let backAt = 0;
    const restarted = start().then(() => (backAt = Date.now()));
    const retried = await Promise.all(
      requests.map(async (r) => {
        for (;;) {
          const response = await send(r).catch(() => undefined);
          if (response && !(response.status === 409 && response.body?.error === 'idempotency_key_in_use')) {
            return { request: r, response, at: Date.now() };
          }
          await delay(RETRY_EVERY_MS);
        }
      }),
    );
    await restarted;

    for (const { request: r, response } of retried) {
      const first = firstAnswers.get(r);
      expect({ name: r.name, status: response.status }).toEqual({ name: r.name, status: first?.status ?? r.expected });
      if (first) expect(response.body).toEqual(first.body);
    }
    const waits = retried
      .filter(({ request: r }) => !firstAnswers.has(r))
      .map(({ at }) => Math.max(0, at - backAt))
      .sort((a, b) => a - b);
    console.log(
      `crash retry: ${inFlight.length} of ${requests.length} requests in flight at SIGKILL; ` +
        `restart to first successful retry p50 ${waits[Math.floor(waits.length / 2)]} ms, max ${waits[waits.length - 1]} ms`,
    );
    expect(waits[waits.length - 1]).toBeLessThanOrEqual(10_000);

    // Nothing ran twice: every capture, void and refund happened exactly once. The read models,
    // restarted with the ledger, are read once they include every event written.
    const caughtUp = await caughtUpHeaders({ database });
    const read = (path: string) => api.get(path, customer.apiKey, caughtUp);
    for (const id of toCapture) {
      expect((await read(`/api/v1/payments/${id}`)).body).toMatchObject({
        status: 'captured',
        capturedAmount: 60,
      });
    }
    for (const id of toVoid) {
      expect((await read(`/api/v1/payments/${id}`)).body.status).toBe('voided');
    }
    for (const id of toRefund) {
      expect((await read(`/api/v1/payments/${id}`)).body).toMatchObject({
        status: 'partially_refunded',
        refundedAmount: 30,
      });
    }
    const withdrawals = await read(`/api/v1/withdrawals?accountId=${payer}&limit=100`);
    expect(withdrawals.body.data).toHaveLength(EACH);
  });
});
