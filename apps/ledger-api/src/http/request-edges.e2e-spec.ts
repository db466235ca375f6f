import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { signWebhook } from '@ledger/bank-protocol';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;

const REQUEST_TIMEOUT_MS = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const errorShape = (error: string) => ({ error, message: expect.any(String), requestId: expect.stringMatching(UUID) });
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Held-out black-box findings of issue 10 (bodies and input): each one answered in the error shape, changing nothing. */
describe('Request edges (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let customer: TestUser;
  let merchant: TestUser;
  let payer: string;
  let payee: string;

  beforeAll(async () => {
    ledger = await startTestLedger({ ...FAST_BANK_ENV, HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Edna', 'customer');
    merchant = await traffic.user('Edge Shop', 'merchant');
    payer = await traffic.account(customer, 10_000);
    payee = await traffic.account(merchant);
  });
  afterAll(() => ledger.close());

  /** A POST with exactly these headers and bytes: fetch adds no Content-Type to a Uint8Array body. */
  async function rawPost(path: string, apiKey: string | undefined, body: string, headers: Record<string, string>) {
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers },
      body: new TextEncoder().encode(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const eventCount = async () =>
    Number((await ledger.database.pool.query('SELECT count(*) AS n FROM es_events')).rows[0].n);
  const idempotencyRecords = async (key: string) =>
    Number(
      (await ledger.database.pool.query('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key])).rows[0].n,
    );
  const payment = async (id: string) =>
    (await traffic.api.get(`/api/v1/payments/${id}`, customer.apiKey, await caughtUpHeaders(ledger))).body;

  async function authorized(amount = 100): Promise<string> {
    const response = await traffic.pay(customer, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount,
      captureMethod: 'manual',
    });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function captured(amount = 100): Promise<string> {
    const response = await traffic.pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  describe('bodies are JSON only', () => {
    const NOT_JSON: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'multipart/form-data; boundary=edge' },
      { 'content-type': 'application/octet-stream' },
      { 'content-type': 'application/jsonx' },
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'application/json; charset=latin1' },
      {},
    ];

    it('refuses a capture whose body is not JSON with 415, capturing nothing and keeping no key', async () => {
      const paymentId = await authorized();
      const key = randomUUID();
      const events = await eventCount();
      for (const headers of NOT_JSON) {
        const response = await rawPost(`/api/v1/payments/${paymentId}/capture`, merchant.apiKey, '{"amount":1}', {
          ...headers,
          'Idempotency-Key': key,
        });
        expect({ headers, status: response.status, body: response.body }).toEqual({
          headers,
          status: 415,
          body: errorShape('unsupported_media_type'),
        });
      }
      expect(await eventCount()).toBe(events);
      expect(await idempotencyRecords(key)).toBe(0);
      expect(await payment(paymentId)).toMatchObject({ status: 'authorized', capturedAmount: 0 });

      const valid = await rawPost(`/api/v1/payments/${paymentId}/capture`, merchant.apiKey, '{"amount":1}', {
        'content-type': 'Application/JSON; Charset=UTF-8',
        'Idempotency-Key': key,
      });
      expect(valid).toMatchObject({ status: 200, body: { status: 'captured', capturedAmount: 1 } });
    });

    it('refuses a refund or a void whose body is not JSON, and takes a bodiless one', async () => {
      const paymentId = await captured();
      const events = await eventCount();
      for (const action of ['refunds', 'void']) {
        const response = await rawPost(`/api/v1/payments/${paymentId}/${action}`, merchant.apiKey, '{"amount":1}', {
          'content-type': 'text/plain',
          'Idempotency-Key': randomUUID(),
        });
        expect(response).toEqual({ status: 415, body: errorShape('unsupported_media_type') });
      }
      expect(await eventCount()).toBe(events);
      expect(await payment(paymentId)).toMatchObject({ status: 'captured', refundedAmount: 0 });

      const bodiless = await fetch(`${ledger.baseUrl}/api/v1/payments/${paymentId}/refunds`, {
        method: 'POST',
        headers: { authorization: `Bearer ${merchant.apiKey}`, 'Idempotency-Key': randomUUID() },
      });
      expect(bodiless.status).toBe(201);
      expect(await bodiless.json()).toMatchObject({ amount: 100 });
    });

    it('refuses a field in the body of a route that takes none, and an array for a body, changing nothing', async () => {
      const paymentId = await authorized();
      const json = { 'content-type': 'application/json' };
      const events = await eventCount();
      for (const [path, apiKey] of [
        [`/api/v1/payments/${paymentId}/void`, customer.apiKey],
        ['/api/v1/admin/audit/verify', ledger.adminKey],
        ['/api/v1/admin/projections/accounts/rebuild', ledger.adminKey],
      ]) {
        const extra = await rawPost(path, apiKey, '{"x":1}', { ...json, 'Idempotency-Key': randomUUID() });
        expect(extra).toMatchObject({ status: 400, body: { error: 'validation_failed', details: [{ field: 'x' }] } });
        const list = await rawPost(path, apiKey, '[]', { ...json, 'Idempotency-Key': randomUUID() });
        expect(list).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      }
      const listed = await rawPost('/api/v1/accounts', customer.apiKey, '[{"currency":"EUR"}]', json);
      expect(listed).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(await eventCount()).toBe(events);
      expect(await payment(paymentId)).toMatchObject({ status: 'authorized' });
    });

    it('does not parse urlencoded bodies: currency=EUR opens no account', async () => {
      const before = (await traffic.api.get('/api/v1/accounts', customer.apiKey)).body.data.length;
      const response = await rawPost('/api/v1/accounts', customer.apiKey, 'currency=EUR', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(response).toEqual({ status: 415, body: errorShape('unsupported_media_type') });
      expect((await traffic.api.get('/api/v1/accounts', customer.apiKey)).body.data).toHaveLength(before);
    });

    it('refuses a non-JSON bank callback, and still checks a JSON one against its raw body', async () => {
      const body = JSON.stringify({
        eventId: randomUUID(),
        transferId: randomUUID(),
        type: 'succeeded',
        occurredAt: new Date().toISOString(),
      });
      const signature = signWebhook(FAST_BANK_ENV.BANK_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000));
      const refused = await rawPost('/webhooks/bank-callback', undefined, body, {
        'content-type': 'text/plain',
        'x-bank-signature': signature,
      });
      expect(refused).toEqual({ status: 415, body: errorShape('unsupported_media_type') });
      const accepted = await rawPost('/webhooks/bank-callback', undefined, body, {
        'content-type': 'application/json',
        'x-bank-signature': signature,
      });
      expect(accepted).toMatchObject({ status: 200, body: { outcome: 'REJECT' } });
    });

    it('answers a declared length over 1 MiB with 413 at once, without waiting for the body', async () => {
      const started = Date.now();
      const answer = await rawExchange(
        'POST /api/v1/deposits HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{"a":',
      );
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(errorShape('payload_too_large'));
    });

    it('closes the connection of a body shorter than its Content-Length after the request timeout', async () => {
      const started = Date.now();
      const answer = await rawExchange(
        'POST /api/v1/deposits HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      );
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS * 3);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    });
  });

  describe('JSON the ledger cannot store', () => {
    const paymentBody = (description: string) =>
      `{"payerAccountId":"${payer}","payeeAccountId":"${payee}","amount":5,"description":"${description}"}`;

    it.each([
      ['a NUL', '\\u0000', 'description must not contain NUL characters'],
      ['a lone surrogate', 'caf\\ud800', 'description must be well-formed Unicode (no lone surrogates)'],
    ])('refuses %s in a string with 400 naming the field, and keeps no key', async (_case, text, problem) => {
      const key = randomUUID();
      const events = await eventCount();
      const response = await rawPost('/api/v1/payments', customer.apiKey, paymentBody(text), {
        'content-type': 'application/json',
        'Idempotency-Key': key,
      });
      expect(response).toEqual({
        status: 400,
        body: { ...errorShape('validation_failed'), details: [{ field: 'description', problems: [problem] }] },
      });
      expect(await eventCount()).toBe(events);
      expect(await idempotencyRecords(key)).toBe(0);
    });

    it('refuses a NUL in a field name', async () => {
      const response = await rawPost('/api/v1/accounts', customer.apiKey, '{"currency":"EUR","x\\u0000":1}', {
        'content-type': 'application/json',
      });
      expect(response).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ field: 'x\ufffd' }] },
      });
    });

    it('takes a well-formed surrogate pair', async () => {
      const response = await rawPost('/api/v1/payments', customer.apiKey, paymentBody('caf\\ud83d\\ude00'), {
        'content-type': 'application/json',
        'Idempotency-Key': randomUUID(),
      });
      expect(response).toMatchObject({ status: 201, body: { description: 'caf😀' } });
    });

    it.each([65, 5_000])('refuses JSON nested %i levels deep with 400', async (levels) => {
      const nested = `{"currency":"EUR","x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
      const response = await rawPost('/api/v1/accounts', customer.apiKey, nested, {
        'content-type': 'application/json',
      });
      expect(response).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ problems: ['JSON must not nest deeper than 64 levels'] }] },
      });
    });

    it('lets JSON nested 64 levels deep through to validation', async () => {
      const nested = `{"currency":"EUR","x":${'['.repeat(63)}${']'.repeat(63)}}`;
      const response = await rawPost('/api/v1/accounts', customer.apiKey, nested, {
        'content-type': 'application/json',
      });
      expect(response).toMatchObject({ status: 400, body: { details: [{ field: 'x' }] } });
      expect(JSON.stringify(response.body)).not.toContain('nest deeper');
    });
  });

  describe('null where a field is optional', () => {
    it.each(['capture', 'refunds'] as const)(
      'refuses {"amount": null} on %s with 400 naming amount, and the key stays free',
      async (action) => {
        const paymentId = action === 'capture' ? await authorized() : await captured();
        const key = randomUUID();
        const events = await eventCount();
        const refused = await traffic.api.post(
          `/api/v1/payments/${paymentId}/${action}`,
          merchant.apiKey,
          { amount: null },
          { 'Idempotency-Key': key },
        );
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'amount' }] });
        expect(await eventCount()).toBe(events);
        const valid = await traffic.api.post(
          `/api/v1/payments/${paymentId}/${action}`,
          merchant.apiKey,
          { amount: 30 },
          { 'Idempotency-Key': key },
        );
        expect(valid.headers.get('idempotent-replayed')).toBeNull();
        expect(valid.body).toMatchObject(action === 'refunds' ? { amount: 30 } : { capturedAmount: 30 });
      },
    );

    it.each([
      ['/api/v1/payments', { captureMethod: null }, 'captureMethod'],
      ['/api/v1/payments', { captureWindowSeconds: null }, 'captureWindowSeconds'],
      ['/api/v1/payments', { description: null }, 'description'],
    ])('refuses null %s field %o', async (path, extra, field) => {
      const response = await traffic.api.post(
        path,
        customer.apiKey,
        { payerAccountId: payer, payeeAccountId: payee, amount: 5, ...extra },
        { 'Idempotency-Key': randomUUID() },
      );
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field })]);
    });

    it('refuses {"userId": null} on opening an account', async () => {
      const response = await traffic.api.post('/api/v1/accounts', ledger.adminKey, { currency: 'EUR', userId: null });
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'userId' })]);
    });
  });

  it('refuses a malformed payment id with 400 naming it, and the key stays free (found by the fuzz test)', async () => {
    const key = randomUUID();
    const refused = await traffic.api.post(
      '/api/v1/payments/0/refunds',
      merchant.apiKey,
      {},
      { 'Idempotency-Key': key },
    );
    expect(refused).toMatchObject({
      status: 400,
      body: { ...errorShape('validation_failed'), details: [{ field: 'paymentId' }] },
    });
    expect(await idempotencyRecords(key)).toBe(0);
  });

  it('refuses a refund of a fully refunded payment with no amount: 422, no zero refund', async () => {
    const paymentId = await captured(40);
    expect((await traffic.paymentAction(merchant, paymentId, 'refunds')).status).toBe(201);
    const events = await eventCount();
    const again = await traffic.paymentAction(merchant, paymentId, 'refunds');
    expect(again).toMatchObject({ status: 422, body: errorShape('amount_exceeds_refundable') });
    expect(await eventCount()).toBe(events);
    expect(await payment(paymentId)).toMatchObject({ status: 'refunded', refundedAmount: 40 });
  });

  describe('query input', () => {
    const listRoutes = () => [
      '/api/v1/accounts',
      '/api/v1/deposits',
      '/api/v1/withdrawals',
      '/api/v1/payments',
      `/api/v1/accounts/${payer}/transactions`,
      `/api/v1/users/${customer.id}/transactions`,
      '/api/v1/admin/reviews',
    ];

    it.each([
      ['a forged keyset', base64url({ createdAt: '2020-01-01T00:00:00Z', id: 'x' })],
      ['an impossible date', base64url({ createdAt: '2020-02-31T00:00:00.000Z', id: randomUUID() })],
      ['year zero', base64url({ createdAt: '0000-01-01T00:00:00.000Z', id: randomUUID() })],
      ['an extra field', base64url({ createdAt: '2020-01-01T00:00:00.000Z', id: randomUUID(), x: 1 })],
      ['not base64url', 'not a cursor!'],
      ['a long one', 'A'.repeat(5_000)],
    ])('answers a cursor with %s on every list with 400 invalid_cursor', async (_case, cursor) => {
      for (const route of listRoutes()) {
        const response = await traffic.api.get(`${route}?cursor=${encodeURIComponent(cursor)}`, ledger.adminKey);
        expect({ route, status: response.status, body: response.body }).toEqual({
          route,
          status: 400,
          body: errorShape('invalid_cursor'),
        });
      }
    });

    it('still pages with the cursors it issues', async () => {
      const first = await traffic.api.get(`/api/v1/accounts/${payer}/transactions?limit=1`, customer.apiKey);
      const next = await traffic.api.get(
        `/api/v1/accounts/${payer}/transactions?limit=1&cursor=${first.body.nextCursor}`,
        customer.apiKey,
      );
      expect(next.status).toBe(200);
      expect(next.body.data[0].id).not.toBe(first.body.data[0].id);
    });

    it.each([
      ['to', '2020-02-31'],
      ['from', '2020-W01'],
      ['from', '2020-01-01T10:00:00'],
      ['to', '2020-13-01'],
    ])('answers ?%s=%s on the transaction lists with 400 naming the field', async (field, value) => {
      for (const route of [`/api/v1/accounts/${payer}/transactions`, `/api/v1/users/${customer.id}/transactions`]) {
        const response = await traffic.api.get(`${route}?${field}=${encodeURIComponent(value)}`, customer.apiKey);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: 'validation_failed', details: [{ field }] });
      }
    });

    it('filters by an RFC 3339 date or date-time with any offset', async () => {
      const all = await traffic.api.get(`/api/v1/accounts/${payer}/transactions?from=2000-01-01`, customer.apiKey);
      expect(all.body.data.length).toBeGreaterThan(0);
      const none = await traffic.api.get(
        `/api/v1/accounts/${payer}/transactions?to=${encodeURIComponent('2000-01-01T10:00:00+23:59')}`,
        customer.apiKey,
      );
      expect(none).toMatchObject({ status: 200, body: { data: [] } });
    });

    it('answers an impossible audit time with 400 naming at', async () => {
      for (const at of ['2020-02-31', '2020-W01']) {
        const response = await traffic.api.get(`/api/v1/admin/audit/accounts/${payer}?at=${at}`, ledger.adminKey);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'at' }] });
      }
    });
  });

  /** Writes raw bytes on a fresh connection and resolves with what the server sent back before closing it (or 10 s). */
  function rawExchange(request: string): Promise<string> {
    const { port } = new URL(ledger.baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
      const chunks: Buffer[] = [];
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }
});
