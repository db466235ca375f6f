import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as newman from 'newman';
import { startTestLedger, TestLedger } from './ledger-app';

const COLLECTION = join(__dirname, '../postman/ledger.postman_collection.json');
const ENVIRONMENT = join(__dirname, '../postman/ledger.postman_environment.json');

/**
 * Operations newman cannot call. The live channel is a Server-Sent Events stream: newman waits for
 * a response to end, and an event stream never does. Its headers are checked below instead.
 */
const NOT_IN_COLLECTION = ['GET /api/v1/live'];

interface CollectionItem {
  name: string;
  item?: CollectionItem[];
  request?: { method: string; url: { path: string[] } };
}

/** Every request of the collection as `METHOD /path` with `{{variables}}` left in place. */
function collectionRequests(items: CollectionItem[]): string[] {
  return items.flatMap((item) =>
    item.item ? collectionRequests(item.item) : [`${item.request!.method} /${item.request!.url.path.join('/')}`],
  );
}

/** Whether a collection request calls an OpenAPI operation (`{param}` matches any one segment). */
function calls(request: string, operation: string): boolean {
  const [method, path] = request.split(' ');
  const [operationMethod, operationPath] = operation.split(' ');
  const segments = path.split('/');
  const pattern = operationPath.split('/');
  return (
    method === operationMethod &&
    segments.length === pattern.length &&
    pattern.every((segment, index) => /^\{.+\}$/.test(segment) || segment === segments[index])
  );
}

describe('the Postman collection, run by newman', () => {
  let ledger: TestLedger;
  const bankWebhookSecret = randomBytes(24).toString('hex');

  beforeAll(async () => {
    ledger = await startTestLedger({
      BANK_SUCCESS_RATE: '1',
      BANK_MIN_DELAY_MS: '20',
      BANK_MAX_DELAY_MS: '100',
      BANK_WEBHOOK_SECRET: bankWebhookSecret,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    });
  });
  afterAll(() => ledger?.close());

  it('passes every assertion of every request against a running ledger', async () => {
    const summary = await new Promise<newman.NewmanRunSummary>((resolve, reject) =>
      newman.run(
        {
          collection: COLLECTION,
          environment: ENVIRONMENT,
          envVar: [
            { key: 'base_url', value: ledger.baseUrl },
            { key: 'admin_key', value: ledger.adminKey },
            { key: 'bank_webhook_secret', value: bankWebhookSecret },
          ],
          reporters: [],
          timeoutRequest: 30_000,
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
    const failures = summary.run.failures.map(
      (failure) => `${failure.source?.name}: ${failure.error.test ?? failure.error.name}: ${failure.error.message}`,
    );
    expect(failures).toEqual([]);
    expect(summary.run.stats.assertions.total).toBeGreaterThan(200);
  }, 300_000);

  it('has a request for every operation of the OpenAPI document', async () => {
    const document = (await (await fetch(`${ledger.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const requests = collectionRequests(JSON.parse(readFileSync(COLLECTION, 'utf8')).item);
    const missing = operations.filter(
      (operation) => !NOT_IN_COLLECTION.includes(operation) && !requests.some((request) => calls(request, operation)),
    );
    expect(missing).toEqual([]);
  });

  it('answers the live channel it leaves out with an event stream', async () => {
    const document = (await (await fetch(`${ledger.baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
    // The channel comes with the live updates; until then there is nothing to check.
    if (!document.paths['/api/v1/live']) return;
    const abort = new AbortController();
    const response = await fetch(`${ledger.baseUrl}/api/v1/live`, {
      headers: { authorization: `Bearer ${ledger.adminKey}` },
      signal: abort.signal,
    });
    abort.abort();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  });
});
