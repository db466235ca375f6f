import { apiClient, caughtUpHeaders, startTestLedger, TestLedger, useTestLedger } from '../../../../test/ledger-app';

const CONSOLE_ORIGIN = 'https://console.example.com';

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

function expectBrowserHeaders(response: { headers: Headers }) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(response.headers.get('x-powered-by')).toBeNull();
  const csp = directives(response.headers.get('content-security-policy'));
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
}

function expectNoCors(response: { headers: Headers }) {
  expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
}

describe('Security headers, caching and CORS (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  useTestLedger((started) => ((ledger = started), (api = apiClient(started.baseUrl))));

  it('sends the browser security headers on the API, health and the docs, errors included', async () => {
    expectBrowserHeaders(await api.get('/api/v1/users/me', ledger.adminKey));
    expectBrowserHeaders(await api.get('/api/v1/users/me'));
    expectBrowserHeaders(await fetch(`${ledger.baseUrl}/health`));
    expectBrowserHeaders(await fetch(`${ledger.baseUrl}/docs`));
    expectBrowserHeaders(await fetch(`${ledger.baseUrl}/nothing-here`));
  });

  it('forbids caching every API response: a new key (and its replay), balances, refusals, unread bodies', async () => {
    const idempotent = { 'Idempotency-Key': 'create-cache-user' };
    const created = await api.post('/api/v1/users', ledger.adminKey, { name: 'Cache', role: 'customer' }, idempotent);
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toEqual(expect.any(String));
    expect(created.headers.get('cache-control')).toBe('no-store');
    const replayed = await api.post('/api/v1/users', ledger.adminKey, { name: 'Cache', role: 'customer' }, idempotent);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.apiKey).toBeUndefined(); // shown once: the replay answers the user without it
    expect(replayed.headers.get('cache-control')).toBe('no-store');
    const account = await api.post('/api/v1/accounts', created.body.apiKey, { currency: 'EUR' });
    const balance = await api.get(
      `/api/v1/accounts/${account.body.id}/balance`,
      created.body.apiKey,
      await caughtUpHeaders(ledger),
    );
    expect(balance.status).toBe(200);
    expect(balance.headers.get('cache-control')).toBe('no-store');
    expect((await api.get('/api/v1/users/me')).headers.get('cache-control')).toBe('no-store');
    const malformed = await api.post('/api/v1/users', ledger.adminKey, '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('cache-control')).toBe('no-store');
  });

  it('serves a Swagger UI at /docs that its Content-Security-Policy lets run', async () => {
    const page = await fetch(`${ledger.baseUrl}/docs`);
    expect(page.status).toBe(200);
    const csp = directives(page.headers.get('content-security-policy'));
    const html = await page.text();
    // script-src 'self' without 'unsafe-inline': every script must come from a file of this origin.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc="[^"]+"/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers (script-src-attr 'none')
    if (/<style\b|\sstyle="/.test(html)) expect(csp.get('style-src')).toContain("'unsafe-inline'");
    const assets = [
      ...[...html.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)].map(([, src]) => ({ src, type: /javascript/ })),
      ...[...html.matchAll(/<link\b[^>]*\srel="stylesheet"[^>]*\shref="([^"]+)"/g)].map(([, src]) => ({
        src,
        type: /text\/css/,
      })),
    ];
    expect(assets.map(({ src }) => src)).toEqual(
      expect.arrayContaining([expect.stringContaining('swagger-ui-bundle.js'), expect.stringContaining('.css')]),
    );
    for (const { src, type } of assets) {
      const url = new URL(src, page.url);
      expect(url.origin).toBe(new URL(ledger.baseUrl).origin); // 'self'
      const asset = await fetch(url);
      expect(asset.status).toBe(200);
      // nosniff: a browser runs a script or applies a stylesheet only with the right type.
      expect(asset.headers.get('content-type')).toMatch(type);
    }
    const init = assets.find(({ src }) => src.endsWith('swagger-ui-init.js'))!;
    expect(await (await fetch(new URL(init.src, page.url))).text()).toContain('"/api/v1/users"');
  });

  it('answers no CORS at all when CORS_ORIGINS is unset', async () => {
    const headers = { Origin: CONSOLE_ORIGIN };
    expectNoCors(await api.get('/api/v1/users/me', ledger.adminKey, headers));
    const preflight = await fetch(`${ledger.baseUrl}/api/v1/users`, {
      method: 'OPTIONS',
      headers: { ...headers, 'Access-Control-Request-Method': 'POST' },
    });
    expectNoCors(preflight);
  });
});

describe('CORS for CORS_ORIGINS (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    ledger = await startTestLedger({ CORS_ORIGINS: `${CONSOLE_ORIGIN},http://localhost:5173` });
    api = apiClient(ledger.baseUrl);
  });
  afterAll(() => ledger.close());

  it('answers a preflight from an allowed origin without an API key, naming the headers the API uses', async () => {
    const preflight = await fetch(`${ledger.baseUrl}/api/v1/deposits`, {
      method: 'OPTIONS',
      headers: {
        Origin: CONSOLE_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = preflight.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'x-min-position']),
    );
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets an allowed origin read the answer and the headers clients need', async () => {
    const me = await api.get('/api/v1/users/me', ledger.adminKey, {
      Origin: 'http://localhost:5173',
      ...(await caughtUpHeaders(ledger)),
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(me.headers.get('vary')).toContain('Origin');
    const exposed = me.headers.get('access-control-expose-headers')!.toLowerCase().split(',');
    expect(exposed).toEqual(
      expect.arrayContaining([
        'x-request-id',
        'x-ledger-position',
        'idempotent-replayed',
        'retry-after',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ]),
    );
  });

  it('allows no other origin, not even a look-alike', async () => {
    for (const origin of ['https://evil.example.com', 'https://console.example.com.evil.net', 'null']) {
      const me = await api.get('/api/v1/users/me', ledger.adminKey, { Origin: origin });
      expect(me.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${ledger.baseUrl}/api/v1/users`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
