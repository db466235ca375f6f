import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../test/database';
import {
  booksBalance,
  installHandRolledSchema,
  openHandRolledAccounts,
  readHandRolledBooks,
} from './hand-rolled-schema';
import { HandRolledServer, startHandRolledServer } from './hand-rolled-server';

const API_KEY = 'hand-rolled-test-key';
const payers = Array.from({ length: 4 }, () => randomUUID());
const merchant = randomUUID();
const dollars = randomUUID();
const OPENED = 4n * 1_000n + 500n;

describe('the hand-rolled baseline ledger', () => {
  let database: TestDatabase;
  let server: HandRolledServer;

  beforeAll(async () => {
    database = await createTestDatabase([]);
    await installHandRolledSchema(database.pool);
    await openHandRolledAccounts(database.pool, [
      ...payers.map((id) => ({ id, balance: 1_000, currency: 'EUR' })),
      { id: merchant, balance: 0, currency: 'EUR' },
      { id: dollars, balance: 500, currency: 'USD' },
    ]);
    server = await startHandRolledServer({ databaseUrl: database.url, apiKey: API_KEY, poolSize: 8 });
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const post = async (path: string, body: unknown, key: string | null = randomUUID(), apiKey = API_KEY) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${apiKey}`,
        ...(key === null ? {} : { 'idempotency-key': key }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      replayed: response.headers.get('idempotent-replayed'),
      body: await response.text(),
    };
  };
  const balanceOf = async (id: string) =>
    Number((await database.pool.query('SELECT balance FROM hand_rolled.accounts WHERE id = $1', [id])).rows[0].balance);

  it.each(['/multi-statement/payments', '/one-call/payments'])(
    '%s moves money once per key, answers a repeat with the first response, and refuses what it must',
    async (path) => {
      const payer = path.startsWith('/multi') ? payers[0] : payers[1];
      const payment = { payerAccountId: payer, payeeAccountId: merchant, amount: 100 };
      const key = randomUUID();

      const first = await post(path, payment, key);
      const again = await post(path, payment, key);
      expect(first.status).toBe(201);
      expect(JSON.parse(first.body)).toMatchObject({ ...payment, currency: 'EUR', status: 'captured' });
      expect(again).toEqual({ status: 201, replayed: 'true', body: first.body });
      expect(await balanceOf(payer)).toBe(900);

      expect((await post(path, { ...payment, amount: 5 }, key)).status).toBe(422);
      expect(JSON.parse((await post(path, { ...payment, amount: 5_000 })).body).error).toBe('insufficient_funds');
      expect(JSON.parse((await post(path, { ...payment, payeeAccountId: dollars })).body).error).toBe(
        'currency_mismatch',
      );
      expect((await post(path, { ...payment, payeeAccountId: randomUUID() })).status).toBe(404);
      expect((await post(path, { ...payment, amount: 1.5 })).status).toBe(400);
      expect((await post(path, payment, null)).status).toBe(400);
      expect((await post(path, payment, randomUUID(), 'wrong-key')).status).toBe(401);
      expect(await balanceOf(payer)).toBe(900);
    },
  );

  it('takes a batch in one call, each item decided on the running balance, and replays it whole', async () => {
    const items = [
      { payerAccountId: payers[2], payeeAccountId: merchant, amount: 600 },
      { payerAccountId: payers[2], payeeAccountId: merchant, amount: 600 }, // 400 left: refused
      { id: randomUUID(), payerAccountId: payers[3], payeeAccountId: merchant, amount: 250 },
      { payerAccountId: payers[3], payeeAccountId: randomUUID(), amount: 1 },
    ];
    const key = randomUUID();

    const first = await post('/one-call/payments/batch', { mode: 'independent', items }, key);
    const again = await post('/one-call/payments/batch', { mode: 'independent', items }, key);

    expect(first.status).toBe(201);
    const results = JSON.parse(first.body).items;
    expect(results.map((item: any) => item.status)).toEqual([201, 422, 201, 404]);
    expect(results[1].result.error).toBe('insufficient_funds');
    expect(results[2].result.id).toBe(items[2].id);
    expect(again).toEqual({ status: 201, replayed: 'true', body: first.body });
    expect(await balanceOf(payers[2])).toBe(400);
    expect(await balanceOf(payers[3])).toBe(750);
  });

  it('keeps the books balanced under concurrent payments through every variant, the same keys sent twice at once', async () => {
    const keys = Array.from({ length: 60 }, () => randomUUID());
    const send = (key: string, index: number) => {
      const payment = { payerAccountId: payers[index % 4], payeeAccountId: merchant, amount: 1 };
      if (index % 3 === 0) return post('/multi-statement/payments', payment, key);
      if (index % 3 === 1) return post('/one-call/payments', payment, key);
      return post('/one-call/payments/batch', { items: [payment, { ...payment, payerAccountId: payers[0] }] }, key);
    };
    const before = await readHandRolledBooks(database.pool);

    const answers = await Promise.all([...keys, ...keys].map((key, index) => send(key, index % keys.length)));

    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    expect(answers.filter((answer) => answer.replayed === 'true')).toHaveLength(keys.length);
    const after = await readHandRolledBooks(database.pool);
    expect(booksBalance(after, OPENED)).toBe(true);
    // 20 single payments through each single variant, 20 batches of two: each executed once.
    expect(after.transfers - before.transfers).toBe(20 + 20 + 40);
  });
});
