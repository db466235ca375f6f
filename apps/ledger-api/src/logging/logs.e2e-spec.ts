import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { accountStreamName, transferStreamName } from '@ledger/ledger-domain';
import { capturedLogs } from '../../../../test/captured-logs';
import { eventually } from '../../../../test/eventually';
import { apiClient, startTestLedger, TestLedger } from '../../../../test/ledger-app';

/** What the logs say, read from the app's own log stream. */
describe('Logs and correlation ids (over HTTP)', () => {
  const logs = capturedLogs();
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  let user: { id: string; apiKey: string };

  beforeAll(async () => {
    ledger = await startTestLedger(
      { BANK_SUCCESS_RATE: '1', BANK_MIN_DELAY_MS: '20', BANK_MAX_DELAY_MS: '100' },
      undefined,
      logs.logger,
    );
    api = apiClient(ledger.baseUrl);
    user = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Grace', role: 'customer' })).body;
  });
  afterAll(() => ledger.close());

  it("carries a deposit's correlation id through its events, the bank call and the bank's callback", async () => {
    const accountId = (await api.post('/api/v1/accounts', user.apiKey, { currency: 'EUR' })).body.id as string;
    const correlationId = `deposit-${randomUUID()}`;
    const requested = await api.post(
      '/api/v1/deposits',
      user.apiKey,
      { accountId, amount: 2_500 },
      { 'Idempotency-Key': randomUUID(), 'X-Request-ID': correlationId },
    );
    expect(requested.status).toBe(202);
    const transferId = requested.body.id as string;
    await eventually(
      async () => (await api.get(`/api/v1/deposits/${transferId}`, user.apiKey)).body.status === 'succeeded',
    );

    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const transferEvents = await store.readStream(transferStreamName('deposit', transferId));
    expect(transferEvents.map((event) => event.type)).toEqual(
      expect.arrayContaining(['TransferRequested', 'TransferSentToBank', 'BankCallbackReceived', 'TransferSucceeded']),
    );
    const credit = (await store.readStream(accountStreamName(accountId))).filter(
      (event) => event.type === 'FundsCredited',
    );
    expect(credit).toHaveLength(1);
    for (const event of [...transferEvents, ...credit]) {
      expect({ type: event.type, correlationId: event.metadata.correlationId }).toEqual({
        type: event.type,
        correlationId,
      });
    }

    // The bank got the id with the transfer (it echoes it on the callback, knowing it from nowhere else).
    const line = (msg: string) => logs.lines.find((entry) => entry.msg === msg && entry.transferId === transferId);
    expect(line('transfer sent to the bank')).toMatchObject({ correlationId, context: 'BankDispatcher' });
    expect(line('bank callback handled')).toMatchObject({ correlationId, outcome: 'APPLY' });
    const callbackRequests = logs.lines.filter((entry) => entry.req?.url === '/webhooks/bank-callback');
    expect(callbackRequests.length).toBeGreaterThan(0);
    expect(callbackRequests.every((entry) => entry.correlationId === correlationId)).toBe(true);
  });

  it("logs an unexpected error's class, message and stack, and answers 500 without them", async () => {
    // A real fault: the accounts read model is gone for a moment.
    await ledger.database.pool.query('ALTER TABLE rm_accounts RENAME TO rm_accounts_away');
    const response = await api
      .get('/api/v1/accounts', user.apiKey)
      .finally(() => ledger.database.pool.query('ALTER TABLE rm_accounts_away RENAME TO rm_accounts'));
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toMatch(/rm_accounts|DatabaseError|\bat /);

    const requestId = response.headers.get('x-request-id');
    const logged = logs.lines.find((entry) => entry.msg === 'unexpected error' && entry.requestId === requestId);
    expect(logged?.err).toMatchObject({
      type: 'DatabaseError',
      message: expect.stringContaining('rm_accounts'),
      stack: expect.stringMatching(/rm_accounts.*\n\s+at /),
    });
  });
});
