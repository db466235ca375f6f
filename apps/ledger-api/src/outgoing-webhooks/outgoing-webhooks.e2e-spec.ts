import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../../../test/eventually';
import { apiClient, caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';
import {
  readmeSignatureVerifier,
  startWebhookReceiver,
  walkEventsFeed,
  WebhookReceiver,
} from '../../../../test/webhook-receiver';

type Traffic = ReturnType<typeof ledgerTraffic>;

const verifyLedgerSignature = readmeSignatureVerifier(readFileSync(join(__dirname, '../../../../README.md'), 'utf8'));

describe('Outgoing webhooks and the events feed (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let api: Traffic['api'];
  const receivers: WebhookReceiver[] = [];
  let adminReceiver: WebhookReceiver;

  const receiver = async (options?: Parameters<typeof startWebhookReceiver>[0]) => {
    const started = await startWebhookReceiver(options);
    receivers.push(started);
    return started;
  };

  /** PATCH and DELETE, which the shared client does not have. */
  const call = async (method: 'PATCH' | 'DELETE', path: string, key: string, body?: unknown) => {
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const createEndpoint = async (key: string, url: string, eventTypes: string[] = ['*']) => {
    const response = await api.post('/api/v1/webhook-endpoints', key, { url, eventTypes }, traffic.keyed());
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  };

  /** Every event the feed lists for `key` once the read models have caught up, page by page. */
  const walkFeed = async (key: string, limit = 7, type?: string) =>
    walkEventsFeed(ledger.baseUrl, key, { limit, type, headers: await caughtUpHeaders(ledger) });

  /** A merchant paid by a customer, a partial refund, and the deposits that funded it. */
  async function paymentStory(customer: TestUser, merchant: TestUser) {
    const payer = await traffic.account(customer, 100);
    const payee = await traffic.account(merchant);
    const payment = await traffic.pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 30 });
    expect(payment.status).toBe(201);
    const refund = await traffic.paymentAction(merchant, payment.body.id, 'refunds', { amount: 10 });
    expect(refund.status).toBe(201);
    return { payer, payee, paymentId: payment.body.id as string, refundId: refund.body.id as string };
  }

  beforeAll(async () => {
    ledger = await startTestLedger({
      ...FAST_BANK_ENV,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_INITIAL_MS: '200',
    });
    traffic = ledgerTraffic(ledger);
    api = traffic.api;
    // Before any traffic: this endpoint gets every event of the ledger.
    adminReceiver = await receiver();
    await createEndpoint(ledger.adminKey, adminReceiver.url);
  });
  afterAll(async () => {
    await ledger.close();
    await Promise.all(receivers.map((started) => started.close()));
  });

  it("signs every delivery, and each receiver gets only its owner's events, as the feed lists them", async () => {
    const [customer, merchant, stranger] = await Promise.all([
      traffic.user('Cleo', 'customer'),
      traffic.user('Mart', 'merchant'),
      traffic.user('Otto', 'customer'),
    ]);
    const [customerHooks, merchantHooks, strangerHooks] = await Promise.all([receiver(), receiver(), receiver()]);
    const secrets = {
      customer: (await createEndpoint(customer.apiKey, customerHooks.url)).secret,
      merchant: (await createEndpoint(merchant.apiKey, merchantHooks.url)).secret,
      stranger: (await createEndpoint(stranger.apiKey, strangerHooks.url, ['deposit.succeeded'])).secret,
    };
    const { payer, payee, paymentId, refundId } = await paymentStory(customer, merchant);
    const strangerAccount = await traffic.account(stranger, 50);
    await traffic.pay(stranger, { payerAccountId: strangerAccount, payeeAccountId: payee, amount: 5 });

    const customerFeed = await walkFeed(customer.apiKey);
    expect(customerFeed.events.map((event) => event.type)).toEqual([
      'deposit.succeeded',
      'payment.authorized',
      'payment.captured',
      'refund.succeeded',
      'payment.partially_refunded',
    ]);
    const merchantFeed = await walkFeed(merchant.apiKey);
    // The merchant also sees the stranger's payment to it, never the stranger's deposit.
    expect(merchantFeed.events.map((event) => event.type)).toEqual([
      'payment.authorized',
      'payment.captured',
      'refund.succeeded',
      'payment.partially_refunded',
      'payment.authorized',
      'payment.captured',
    ]);
    const strangerFeed = await walkFeed(stranger.apiKey);

    // The resource as the API shows it, at that moment.
    const [deposit, authorized, captured, refunded, partially] = customerFeed.events;
    expect(deposit).toMatchObject({
      id: expect.any(String),
      created: expect.any(String),
      position: expect.stringMatching(/^\d+-\d+$/),
      data: { accountId: payer, amount: 100, currency: 'EUR', status: 'succeeded', failureReason: null },
    });
    expect(authorized.data).toMatchObject({ id: paymentId, status: 'authorized', capturedAmount: 0 });
    expect(captured.data).toMatchObject({ id: paymentId, status: 'captured', capturedAmount: 30 });
    expect(refunded.data).toEqual({
      id: refundId,
      paymentId,
      amount: 10,
      currency: 'EUR',
      reason: null,
      status: 'succeeded',
      createdAt: expect.any(String),
    });
    expect(partially.data).toEqual((await api.get(`/api/v1/payments/${paymentId}`, customer.apiKey)).body);

    for (const [hooks, feed, secret] of [
      [customerHooks, customerFeed, secrets.customer],
      [merchantHooks, merchantFeed, secrets.merchant],
      [
        strangerHooks,
        { ids: strangerFeed.events.filter((e) => e.type === 'deposit.succeeded').map((e) => e.id) },
        secrets.stranger,
      ],
    ] as const) {
      await eventually(async () => hooks.uniqueIds().length >= feed.ids.length, 15_000);
      expect(hooks.uniqueIds()).toEqual(feed.ids);
      for (const delivery of hooks.received) {
        expect(verifyLedgerSignature(secret, delivery.rawBody, delivery.signature)).toBe(true);
        expect(verifyLedgerSignature(secret, `${delivery.rawBody} `, delivery.signature)).toBe(false);
      }
    }
    expect(customerHooks.received[0].event).toEqual(customerFeed.events[0]);
    expect(
      verifyLedgerSignature(secrets.merchant, customerHooks.received[0].rawBody, customerHooks.received[0].signature),
    ).toBe(false);
  });

  it('refuses unsafe URLs: private ranges outside test mode, other schemes always', async () => {
    // Its own database: its delivery loop must not try the other tests' loopback receivers.
    const strict = await startTestLedger({ ...FAST_BANK_ENV, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    try {
      const strictApi = apiClient(strict.baseUrl);
      for (const url of [
        'http://127.0.0.1:8080/hooks',
        'http://10.0.0.7/hooks',
        'http://[::1]/hooks',
        'http://localhost/x',
      ]) {
        const refused = await strictApi.post('/api/v1/webhook-endpoints', strict.adminKey, { url, eventTypes: ['*'] });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({
          error: 'validation_failed',
          details: [{ field: 'url', problems: [expect.stringMatching(/private|resolves/)] }],
        });
      }
    } finally {
      await strict.close();
    }
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'http://user:secret@example.com/']) {
      const refused = await api.post('/api/v1/webhook-endpoints', ledger.adminKey, { url, eventTypes: ['*'] });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('validation_failed');
    }
    const badTypes = await api.post('/api/v1/webhook-endpoints', ledger.adminKey, {
      url: adminReceiver.url,
      eventTypes: ['payment.nope'],
    });
    expect(badTypes.status).toBe(400);
  });

  it('refuses null for an optional field, on creation and on update, like any other wrong type', async () => {
    const refused = await api.post('/api/v1/webhook-endpoints', ledger.adminKey, {
      url: adminReceiver.url,
      eventTypes: ['*'],
      description: null,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'description' }] });
    const endpoint = await createEndpoint(ledger.adminKey, adminReceiver.url, ['payment.captured']);
    for (const field of ['url', 'eventTypes', 'status', 'description']) {
      const patched = await call('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, ledger.adminKey, {
        [field]: null,
      });
      expect(patched.status).toBe(400);
      expect(patched.body).toMatchObject({ error: 'validation_failed', details: [{ field }] });
    }
    const unchanged = await call('DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`, ledger.adminKey);
    expect(unchanged.status).toBe(204);
  });

  it('delivers the backlog to a receiver that comes back, while another endpoint keeps receiving on time', async () => {
    const owner = await traffic.user('Flo', 'merchant');
    let down = true;
    const flaky = await receiver({ answer: () => (down ? 500 : 200) });
    const healthy = await receiver();
    const flakyEndpoint = await createEndpoint(owner.apiKey, flaky.url);
    await createEndpoint(owner.apiKey, healthy.url);
    const from = await traffic.account(owner, 500);
    const to = await traffic.account(owner);
    for (let index = 0; index < 5; index++) {
      expect((await traffic.pay(owner, { payerAccountId: from, payeeAccountId: to, amount: 1 })).status).toBe(201);
    }
    const feed = await walkFeed(owner.apiKey);
    expect(feed.ids).toHaveLength(11); // the deposit, then authorized and captured per payment
    // The healthy endpoint is not held up by the failing one.
    await eventually(async () => healthy.uniqueIds().length === feed.ids.length, 5_000);
    expect(healthy.uniqueIds()).toEqual(feed.ids);
    expect(flaky.received).toHaveLength(0);
    const attempts = await api.get(`/api/v1/webhook-endpoints/${flakyEndpoint.id}/deliveries`, owner.apiKey);
    expect(attempts.body.data[0]).toMatchObject({
      eventId: expect.any(String),
      statusCode: 500,
      durationMs: expect.any(Number),
      error: 'HTTP 500: receiver is down',
      at: expect.any(String),
    });

    down = false;
    await eventually(async () => flaky.uniqueIds().length === feed.ids.length, 20_000);
    expect([...flaky.uniqueIds()].sort()).toEqual([...feed.ids].sort());
    const endpoint = await api.get(`/api/v1/webhook-endpoints/${flakyEndpoint.id}`, owner.apiKey);
    expect(endpoint.body).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('gives a delivery up after 72 hours, and disables an endpoint that failed for 72 hours, saying why', async () => {
    const owner = await traffic.user('Ida', 'customer');
    const broken = await receiver({ answer: () => 503 });
    const { id } = await createEndpoint(owner.apiKey, broken.url);
    await traffic.account(owner, 10);
    const attempted = async () => (await api.get(`/api/v1/webhook-endpoints/${id}/deliveries`, owner.apiKey)).body.data;
    await eventually(async () => (await attempted()).length > 0, 10_000);
    // 72 hours pass (in the database's clock, which the delivery loop reads).
    await ledger.database.pool.query(
      `UPDATE webhook_endpoints SET failing_since = now() - interval '73 hours' WHERE id = $1`,
      [id],
    );
    await ledger.database.pool.query(
      `UPDATE webhook_deliveries SET created_at = now() - interval '73 hours', next_attempt_at = now()
        WHERE endpoint_id = $1`,
      [id],
    );
    const disabled = await eventually(async () => {
      const endpoint = (await api.get(`/api/v1/webhook-endpoints/${id}`, owner.apiKey)).body;
      return endpoint.status === 'disabled' ? endpoint : undefined;
    }, 10_000);
    expect(disabled.disabledReason).toBe('Every delivery failed for 72 hours; the last: HTTP 503: receiver is down');
    const { rows } = await ledger.database.pool.query('SELECT status FROM webhook_deliveries WHERE endpoint_id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ status: 'failed' }]);
    const enabled = await call('PATCH', `/api/v1/webhook-endpoints/${id}`, owner.apiKey, { status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('manages endpoints: secret shown once, rotation, redelivery, attempts, owner scoping', async () => {
    const [owner, other] = await Promise.all([traffic.user('Gus', 'customer'), traffic.user('Hal', 'merchant')]);
    const hooks = await receiver();
    const key = randomUUID();
    const body = { url: hooks.url, eventTypes: ['deposit.succeeded'], description: 'bookkeeping' };
    const created = await api.post('/api/v1/webhook-endpoints', owner.apiKey, body, { 'Idempotency-Key': key });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      url: hooks.url,
      eventTypes: ['deposit.succeeded'],
      description: 'bookkeeping',
      status: 'enabled',
      disabledReason: null,
      secret: expect.stringMatching(/^whsec_[\w-]{32}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { id, secret } = created.body;
    const replay = await api.post('/api/v1/webhook-endpoints', owner.apiKey, body, { 'Idempotency-Key': key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(id);
    expect(replay.body).not.toHaveProperty('secret');
    const { rows } = await ledger.database.pool.query('SELECT body_text FROM idempotency_keys WHERE key = $1', [key]);
    expect(JSON.stringify(rows)).not.toContain(secret);

    const shown = await api.get(`/api/v1/webhook-endpoints/${id}`, owner.apiKey);
    expect(shown.body).not.toHaveProperty('secret');
    expect(shown.body).toMatchObject({ id, url: hooks.url, status: 'enabled' });
    const listed = await api.get('/api/v1/webhook-endpoints', owner.apiKey);
    expect(listed.body).toEqual({ data: [shown.body], nextCursor: null });
    expect((await api.get('/api/v1/webhook-endpoints', other.apiKey)).body.data).toEqual([]);

    // Someone else's endpoint does not exist for them.
    expect((await api.get(`/api/v1/webhook-endpoints/${id}`, other.apiKey)).status).toBe(404);
    expect((await call('PATCH', `/api/v1/webhook-endpoints/${id}`, other.apiKey, { status: 'disabled' })).status).toBe(
      404,
    );
    expect((await call('DELETE', `/api/v1/webhook-endpoints/${id}`, other.apiKey)).status).toBe(404);
    expect((await api.post(`/api/v1/webhook-endpoints/${id}/rotate-secret`, other.apiKey)).status).toBe(404);
    expect((await api.get(`/api/v1/webhook-endpoints/${id}/deliveries`, other.apiKey)).status).toBe(404);
    expect((await api.get(`/api/v1/webhook-endpoints/${id}`, ledger.adminKey)).status).toBe(200);

    const account = await traffic.account(owner, 20);
    await eventually(async () => hooks.received.length === 1, 10_000);
    const first = hooks.received[0];
    expect(first.event).toMatchObject({ type: 'deposit.succeeded', data: { accountId: account, amount: 20 } });
    expect(verifyLedgerSignature(secret, first.rawBody, first.signature)).toBe(true);

    const rotated = await api.post(`/api/v1/webhook-endpoints/${id}/rotate-secret`, owner.apiKey);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    await traffic.account(owner, 30);
    await eventually(async () => hooks.received.length === 2, 10_000);
    const second = hooks.received[1];
    expect(verifyLedgerSignature(rotated.body.secret, second.rawBody, second.signature)).toBe(true);
    expect(verifyLedgerSignature(secret, second.rawBody, second.signature)).toBe(false);

    const redelivered = await api.post(
      `/api/v1/webhook-endpoints/${id}/deliveries/${first.event.id}/redeliver`,
      owner.apiKey,
    );
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toEqual({ endpointId: id, eventId: first.event.id, status: 'pending' });
    await eventually(async () => hooks.received.length === 3, 10_000);
    expect(hooks.received[2].rawBody).toBe(first.rawBody);
    expect(verifyLedgerSignature(rotated.body.secret, hooks.received[2].rawBody, hooks.received[2].signature)).toBe(
      true,
    );
    const someoneElsesEvent = (await walkFeed(ledger.adminKey)).ids.find(
      (eventId) => !hooks.uniqueIds().includes(eventId),
    );
    const refused = await api.post(
      `/api/v1/webhook-endpoints/${id}/deliveries/${someoneElsesEvent}/redeliver`,
      owner.apiKey,
    );
    expect(refused.status).toBe(404);

    const attempts = await api.get(`/api/v1/webhook-endpoints/${id}/deliveries?limit=2`, owner.apiKey);
    expect(attempts.body.data).toEqual([
      { eventId: first.event.id, statusCode: 200, durationMs: expect.any(Number), error: null, at: expect.any(String) },
      {
        eventId: second.event.id,
        statusCode: 200,
        durationMs: expect.any(Number),
        error: null,
        at: expect.any(String),
      },
    ]);
    const older = await api.get(
      `/api/v1/webhook-endpoints/${id}/deliveries?limit=2&cursor=${attempts.body.nextCursor}`,
      owner.apiKey,
    );
    expect(older.body).toEqual({ data: [expect.objectContaining({ eventId: first.event.id })], nextCursor: null });

    const disabled = await call('PATCH', `/api/v1/webhook-endpoints/${id}`, owner.apiKey, {
      status: 'disabled',
      eventTypes: ['*'],
    });
    expect(disabled.body).toMatchObject({ status: 'disabled', eventTypes: ['*'], disabledReason: null });
    await traffic.account(owner, 40);
    expect((await call('PATCH', `/api/v1/webhook-endpoints/${id}`, owner.apiKey, { url: 'ftp://x' })).status).toBe(400);
    expect((await call('DELETE', `/api/v1/webhook-endpoints/${id}`, owner.apiKey)).status).toBe(204);
    expect((await api.get(`/api/v1/webhook-endpoints/${id}`, owner.apiKey)).status).toBe(404);
    expect(hooks.received).toHaveLength(3);
  });

  it('answers the retry of a creation whose answer was lost with the same endpoint and a new secret', async () => {
    const owner = await traffic.user('Jo', 'merchant');
    const key = randomUUID();
    const body = { url: adminReceiver.url, eventTypes: ['refund.succeeded'] };
    const first = await api.post('/api/v1/webhook-endpoints', owner.apiKey, body, { 'Idempotency-Key': key });
    // The process died after the insert, before its answer was recorded: the key holds nothing.
    await ledger.database.pool.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
    const retry = await api.post('/api/v1/webhook-endpoints', owner.apiKey, body, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.secret).not.toBe(first.body.secret);
    expect((await api.get('/api/v1/webhook-endpoints', owner.apiKey)).body.data).toHaveLength(1);
    const { rows } = await ledger.database.pool.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [
      first.body.id,
    ]);
    expect(rows).toEqual([{ secret: retry.body.secret }]);

    await ledger.database.pool.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
    const other = await api.post(
      '/api/v1/webhook-endpoints',
      owner.apiKey,
      { ...body, url: `${adminReceiver.url}/elsewhere` },
      { 'Idempotency-Key': key },
    );
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('webhook_endpoint_exists');
  });

  it('pages the feed by cursor, filters by type, and refuses a cursor it did not issue', async () => {
    const all = await walkFeed(ledger.adminKey, 100);
    const paged = await walkFeed(ledger.adminKey, 3);
    expect(paged.ids).toEqual(all.ids);
    const deposits = await walkFeed(ledger.adminKey, 4, 'deposit.succeeded');
    expect(deposits.ids).toEqual(all.events.filter((event) => event.type === 'deposit.succeeded').map((e) => e.id));
    for (const after of [
      'nonsense',
      Buffer.from('1-2:x').toString('base64url'),
      Buffer.from("1-2:0'; --").toString('base64url'),
    ]) {
      const response = await api.get(`/api/v1/events?after=${after}`, ledger.adminKey);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_cursor');
    }
    expect((await api.get('/api/v1/events?type=payment.nope', ledger.adminKey)).status).toBe(400);
    expect((await api.get('/api/v1/events?limit=101', ledger.adminKey)).status).toBe(400);
    expect((await api.get('/api/v1/webhook-endpoints?cursor=abc', ledger.adminKey)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ createdAt: new Date().toISOString(), id: "1' OR 1=1" })).toString(
      'base64url',
    );
    const refused = await api.get(`/api/v1/webhook-endpoints?cursor=${forged}`, ledger.adminKey);
    expect(refused.body).toMatchObject({ error: 'invalid_cursor' });
    // At the end, the cursor stays where it is, to poll with later.
    const last = await api.get(`/api/v1/events?after=${paged.cursor}`, ledger.adminKey);
    expect(last.body.data).toEqual([]);
    expect(last.body.nextCursor).toBe(paged.cursor);
  });

  it('describes the endpoints and the event payloads in the OpenAPI document', async () => {
    const document = (await (await fetch(`${ledger.baseUrl}/docs-json`)).json()) as any;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/events',
        '/api/v1/webhook-endpoints',
        '/api/v1/webhook-endpoints/{endpointId}',
        '/api/v1/webhook-endpoints/{endpointId}/rotate-secret',
        '/api/v1/webhook-endpoints/{endpointId}/deliveries',
        '/api/v1/webhook-endpoints/{endpointId}/deliveries/{eventId}/redeliver',
      ]),
    );
    const schemas = document.components.schemas;
    expect(schemas.PublicEventResponse.properties.type.enum).toContain('withdrawal.parked');
    expect(schemas.PublicEventResponse.properties.data.oneOf).toEqual(
      expect.arrayContaining([{ $ref: '#/components/schemas/PaymentResponse' }]),
    );
    expect(schemas.CreateWebhookEndpointDto.required).toEqual(['url', 'eventTypes']);
    expect(schemas).toHaveProperty('ReviewItemResponse');
    expect(schemas).toHaveProperty('DeliveryAttemptResponse');
  });

  it("delivers to an admin's '*' endpoint exactly the events the feed lists, page by page from the start", async () => {
    const feed = await walkFeed(ledger.adminKey, 5);
    expect(feed.ids.length).toBeGreaterThan(20);
    await eventually(async () => adminReceiver.uniqueIds().length >= feed.ids.length, 15_000);
    expect(adminReceiver.uniqueIds()).toEqual(feed.ids);
  });
});
