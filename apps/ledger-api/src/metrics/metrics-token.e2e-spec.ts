import { startTestLedger, TestLedger } from '../../../../test/ledger-app';

const TOKEN = 'metrics-scrape-token-0123456789';

describe('GET /metrics with METRICS_TOKEN (over HTTP)', () => {
  let ledger: TestLedger;
  const scrape = (authorization?: string) =>
    fetch(`${ledger.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    ledger = await startTestLedger({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => ledger.close());

  it('answers 401 in the error shape without the token, with a wrong one, or with an API key', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${ledger.adminKey}`,
    ]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: 'unauthorized',
        message: 'A valid metrics token is required.',
        requestId: response.headers.get('x-request-id'),
      });
    }
  });

  it('serves the metrics with the token', async () => {
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('ledger_http_requests_total');
  });

  it('reads the Bearer scheme in any case', async () => {
    expect((await scrape(`bearer ${TOKEN}`)).status).toBe(200);
  });
});

describe('GET /metrics without METRICS_TOKEN (over HTTP)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  it('is public, whatever Authorization comes along', async () => {
    expect((await fetch(`${ledger.baseUrl}/metrics`)).status).toBe(200);
    const withSomeToken = await fetch(`${ledger.baseUrl}/metrics`, { headers: { authorization: 'Bearer anything' } });
    expect(withSomeToken.status).toBe(200);
  });
});
