import { randomUUID } from 'node:crypto';
import { paymentBatchStreamName, paymentStreamName } from '@ledger/ledger-domain';
import { startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { deterministicUuid } from '../shared/deterministic-id';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;

/**
 * On the PostgreSQL event store, a payment's Idempotency-Key record commits in the transaction of
 * its events: no claim before, no completion after. Its answers are those of the claim and
 * completion it replaces.
 */
describe('Idempotency-Key records written with the events (PostgreSQL)', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let customer: TestUser;
  let merchant: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Rhea', 'customer');
    merchant = await traffic.user('Moss', 'merchant');
  });
  afterAll(() => ledger.close());

  /** The answer as sent, its body's bytes included. */
  async function send(path: string, owner: TestUser, key: string, body: unknown, baseUrl = ledger.baseUrl) {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text), headers: response.headers };
  }

  const pay = (key: string, body: unknown) => send('/api/v1/payments', customer, key, body);
  /** The stream of the payment a request under this key creates (its id is derived from the key). */
  const paymentStreamOf = (key: string) => paymentStreamName(deterministicUuid('payment', customer.id, key));

  async function paymentBody(amount: number, funds = amount) {
    return {
      payerAccountId: await traffic.account(customer, funds),
      payeeAccountId: await traffic.account(merchant),
      amount,
      captureMethod: 'automatic',
    };
  }

  async function recordOf(key: string) {
    const { rows } = await ledger.database.pool.query<{ state: string; xmin: string; headers: Record<string, string> }>(
      'SELECT state, xmin::text, headers FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [customer.id, key],
    );
    return rows[0];
  }

  /** The transactions that wrote a stream's events (xmin: the transaction that inserted each row). */
  async function writersOf(streamName: string): Promise<string[]> {
    const { rows } = await ledger.database.pool.query<{ xmin: string }>(
      'SELECT DISTINCT xmin::text FROM es_events WHERE stream_name = $1',
      [streamName],
    );
    return rows.map((row) => row.xmin);
  }

  it('commits a payment and its record in one transaction, and replays the answer byte for byte', async () => {
    const key = randomUUID();
    const body = await paymentBody(25);
    const first = await pay(key, body);
    expect(first.status).toBe(201);

    const record = await recordOf(key);
    expect(record.state).toBe('done');
    expect(await writersOf(paymentStreamName(first.body.id))).toEqual([record.xmin]);
    expect(record.headers['X-Ledger-Position']).toBe(first.headers.get('x-ledger-position'));

    const replay = await pay(key, body);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('x-ledger-position')).toBe(first.headers.get('x-ledger-position'));
    expect(await recordOf(key)).toEqual(record);
  });

  it('answers 422 idempotency_key_reused for another request under the key, and writes nothing', async () => {
    const key = randomUUID();
    const body = await paymentBody(10);
    expect((await pay(key, body)).status).toBe(201);
    const other = await pay(key, { ...body, amount: 11 });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
    expect(await writersOf(paymentStreamOf(key))).toHaveLength(1);
  });

  it('replays a refusal after the funds came: the payment it refused is never made', async () => {
    const key = randomUUID();
    const body = await paymentBody(40, 0);
    const refused = await pay(key, body);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('insufficient_funds');
    const refusalRecord = await recordOf(key);
    expect(refusalRecord.state).toBe('done');

    const deposit = await traffic.requestTransfer(customer, 'deposit', body.payerAccountId, 100);
    for (let attempt = 0; ; attempt++) {
      const status = (await traffic.api.get(`/api/v1/deposits/${deposit.body.id}`, customer.apiKey)).body?.status;
      if (status === 'succeeded') break;
      if (attempt > 400) throw new Error('deposit not settled');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const retry = await pay(key, body);
    expect(retry.status).toBe(422);
    expect(retry.text).toBe(refused.text);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    // The retry decided to pay, and its append failed on the refusal's record: nothing of it written.
    expect(await writersOf(paymentStreamOf(key))).toEqual([]);
    expect(await recordOf(key)).toEqual(refusalRecord);
  });

  it('runs a payment sent 10 times at once under one key once: the others get 409 or its replay', async () => {
    const key = randomUUID();
    const body = await paymentBody(30);
    const answers = await Promise.all(Array.from({ length: 10 }, () => pay(key, body)));
    const created = answers.filter((answer) => answer.status === 201);
    const inUse = answers.filter((answer) => answer.status === 409);
    expect(created.length + inUse.length).toBe(10);
    expect(new Set(created.map((answer) => answer.text)).size).toBe(1);
    for (const answer of inUse) {
      expect(answer.body.error).toBe('idempotency_key_in_use');
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    expect(created.filter((answer) => answer.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await writersOf(paymentStreamOf(key))).toHaveLength(1);
  });

  it('runs a payment sent at once to two API instances (one database) under one key once: the other replays it', async () => {
    const second = await startTestLedger(FAST_BANK_ENV, { database: ledger.database, adminKey: ledger.adminKey });
    try {
      const body = await paymentBody(35, 35 * 10);
      for (let round = 0; round < 10; round++) {
        const key = randomUUID();
        const answers = await Promise.all([
          pay(key, body),
          send('/api/v1/payments', customer, key, body, second.baseUrl),
        ]);
        expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
        expect(answers[0].text).toBe(answers[1].text);
        expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
        expect(await writersOf(paymentStreamOf(key))).toHaveLength(1);
      }
    } finally {
      await second.close();
    }
  });

  // With funds for one payment, the retry is refused until read from the store; with funds for
  // two, only the append of a payment presumed new finds it written.
  it.each([
    ['the payer could not pay it again', 15],
    ['the payer could pay it again', 40],
  ])(
    'answers a retry whose payment was written but whose record was lost as the first answer, and records it (%s)',
    async (_, funds) => {
      const key = randomUUID();
      const body = await paymentBody(15, funds);
      const first = await pay(key, body);
      await ledger.database.pool.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2', [
        customer.id,
        key,
      ]);
      const retry = await pay(key, body);
      expect(retry.status).toBe(201);
      expect(retry.text).toBe(first.text);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect((await recordOf(key)).state).toBe('done');
      expect(await writersOf(paymentStreamOf(key))).toHaveLength(1);
      const payer = await ledger.database.pool.query(
        "SELECT count(*)::int AS debits FROM es_events WHERE stream_name = $1 AND event_type = 'FundsDebited'",
        [`account-${body.payerAccountId}`],
      );
      expect(payer.rows[0].debits).toBe(1);
    },
  );

  it('commits a payment batch and its record in one transaction', async () => {
    const key = randomUUID();
    const { payerAccountId, payeeAccountId } = await paymentBody(20);
    const items = [5, 6].map((amount) => ({ payerAccountId, payeeAccountId, amount, captureMethod: 'automatic' }));
    const first = await send('/api/v1/payments/batch', customer, key, { mode: 'atomic', items });
    expect(first.status).toBe(201);
    expect(await writersOf(paymentBatchStreamName(first.body.id))).toEqual([(await recordOf(key)).xmin]);
    const replay = await send('/api/v1/payments/batch', customer, key, { mode: 'atomic', items });
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});
