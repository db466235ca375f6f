import { randomBytes } from 'node:crypto';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { apiKeyStreamName } from '@ledger/ledger-domain';
import { apiClient, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { hashApiKey } from './api-key';

const BUDGET = 8;
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

describe('Failed authentications (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  let keyLookups: jest.SpyInstance;

  beforeAll(async () => {
    ledger = await startTestLedger({ AUTH_FAILURES_PER_MIN: String(BUDGET), METRICS_TOKEN });
    api = apiClient(ledger.baseUrl);
    keyLookups = jest.spyOn(ledger.app.get<EventStore>(EVENT_STORE), 'readStream');
  });
  afterAll(async () => {
    keyLookups.mockRestore();
    await ledger.close();
  });

  const wrongKey = () => `lk_${randomBytes(32).toString('base64url')}`;
  /** Event-store reads of the stream that would hold `key`. */
  const lookupsOf = (key: string) =>
    keyLookups.mock.calls.filter(([stream]) => stream === apiKeyStreamName(hashApiKey(key))).length;

  it('reads the event store once for an unknown key, then refuses it from memory', async () => {
    const key = wrongKey();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await api.get('/api/v1/users/me', key)).status).toBe(401);
    }
    expect(lookupsOf(key)).toBe(1);
  });

  it('answers 429 to an address past its budget, before any lookup, whatever it sends', async () => {
    // Three failures above; the rest of the budget, one of them a wrong metrics token.
    expect((await fetch(`${ledger.baseUrl}/metrics`, { headers: { authorization: 'Bearer guess' } })).status).toBe(401);
    for (let attempt = 4; attempt < BUDGET; attempt++) {
      expect((await api.get('/api/v1/users/me', wrongKey())).status).toBe(401);
    }
    const key = wrongKey();
    const refused = await api.get('/api/v1/users/me', key);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      error: 'rate_limit_exceeded',
      message: 'Too many requests. Please try again later.',
      retry_after: retryAfter,
      requestId: refused.headers.get('x-request-id'),
    });
    expect(lookupsOf(key)).toBe(0);
    // A right key or token does not get through either while the address is over its budget...
    expect((await api.get('/api/v1/users/me', ledger.adminKey)).status).toBe(429);
    const scrape = await fetch(`${ledger.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(429);
    // ...but requests without credentials cost nothing and are answered as usual.
    expect((await api.get('/api/v1/users/me')).status).toBe(401);
    expect((await fetch(`${ledger.baseUrl}/health`)).status).toBe(200);
  });
});
