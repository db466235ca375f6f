import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from '../../../../bench/browser';
import { startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { ConsoleModule } from './console.module';

describe('the web console served by the API', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ensureConsoleBuilt();
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  const get = (path: string) => fetch(`${ledger.baseUrl}${path}`);

  it('serves the console at / and its index for any other page, so the browser router owns them', async () => {
    for (const path of ['/', '/payments/3b5c1f0e-0000-4000-8000-000000000000', '/accounts']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('leaves the API, health, metrics and docs paths to the API', async () => {
    const unknown = await get('/api/v1/no-such-route');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    expect((await get('/api/v1/accounts')).status).toBe(401);
    expect(await (await get('/health')).json()).toEqual({ status: 'ok' });
    expect((await get('/docs-json')).headers.get('content-type')).toContain('application/json');
    expect((await get('/metrics')).headers.get('content-type')).toContain('text/plain');
    expect((await fetch(`${ledger.baseUrl}/webhooks/bank-callback`, { method: 'GET' })).status).toBe(404);
  });
});

describe('ConsoleModule', () => {
  it('serves nothing, and the API starts alone, when the console is not built', () => {
    expect(ConsoleModule.forRoot(mkdtempSync(join(tmpdir(), 'no-console-'))).imports).toBeUndefined();
  });

  it('serves a built console', () => {
    const built = mkdtempSync(join(tmpdir(), 'console-'));
    writeFileSync(join(built, 'index.html'), '<html></html>');
    expect(ConsoleModule.forRoot(built).imports).toHaveLength(1);
  });
});
