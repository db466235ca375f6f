import { startTestLedger, TestLedger } from '../../../test/ledger-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Ledger API base (over HTTP)', () => {
  let ledger: TestLedger;
  let baseUrl: string;

  beforeAll(async () => {
    ledger = await startTestLedger();
    baseUrl = ledger.baseUrl;
  });
  afterAll(() => ledger.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('answers GET /health with 200 and a generated X-Request-ID', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('echoes the caller X-Request-ID', async () => {
    const response = await fetch(`${baseUrl}/health`, { headers: { 'X-Request-ID': 'trace-abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('reports readiness of the event store, the database and the projections', async () => {
    const response = await fetch(`${baseUrl}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { details: unknown };
    expect(body.details).toMatchObject({
      event_store: { status: 'up' },
      database: { status: 'up' },
      projections: { status: 'up' },
    });
  });

  it('serves Prometheus metrics: requests by route pattern and status, consumer lag, process metrics', async () => {
    const me = await fetch(`${baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${ledger.adminKey}` } });
    expect(me.status).toBe(200);
    await fetch(`${baseUrl}/api/v1/users/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${ledger.adminKey}` },
    });
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('ledger_http_requests_total{method="GET",route="/api/v1/users/me",status="200"} 1');
    expect(text).toContain('ledger_http_requests_total{method="GET",route="/api/v1/users/:userId",status="404"} 1');
    expect(text).toMatch(/ledger_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health"\}/);
    expect(text).toMatch(/ledger_consumer_lag_events\{consumer="accounts",kind="projection"\} \d+/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers malformed JSON with 400 validation_failed in the error shape, carrying the request id', async () => {
    const response = await post('/api/v1/deposits', '{"amount": ', { 'X-Request-ID': 'bad-json-1' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'validation_failed',
      message: expect.any(String),
      requestId: 'bad-json-1',
    });
    expect(response.headers.get('x-request-id')).toBe('bad-json-1');
  });

  it('answers a body over 1 MiB with 413 payload_too_large', async () => {
    const response = await post('/api/v1/deposits', JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    const body = await response.json();
    expect(body).toMatchObject({ error: 'payload_too_large', requestId: expect.stringMatching(UUID) });
  });

  it('answers an unknown route with 404 not_found and no internals', async () => {
    const response = await fetch(`${baseUrl}/api/v1/nothing-here`);
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body).toMatchObject({ error: 'not_found', message: 'No route GET /api/v1/nothing-here.' });
    expect(JSON.stringify(body)).not.toMatch(/stack|at \w+ \(/);
  });

  it('serves the OpenAPI document at /docs-json and Swagger UI at /docs', async () => {
    const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as { openapi: string; paths: object };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
    const ui = await fetch(`${baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
