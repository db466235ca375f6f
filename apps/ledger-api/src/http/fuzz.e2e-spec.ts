import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../../test/ledger-traffic';

/** FUZZ_RUNS=2000 npx jest fuzz for a longer hunt; the default keeps `npm test` quick. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

interface Route {
  method: 'GET' | 'POST';
  path: string;
  takesBody: boolean;
}

interface FuzzRequest {
  method: Route['method'];
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/**
 * JSON text of a value no body field of the API takes (no field is boolean, object, array or
 * nullable), or of text PostgreSQL cannot store. Written as text: deep nesting would overflow
 * JSON.stringify under fast-check's own stack.
 */
const poison: fc.Arbitrary<string> = fc.oneof(
  fc
    .oneof(
      fc.constant(null),
      fc.boolean(),
      fc.constant({}),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      fc.string().map((text) => `${text}\u0000`),
      fc.string().map((text) => `${text}\ud800`),
      fc.string().map((text) => `\udfff${text}`),
    )
    .map((value) => JSON.stringify(value)),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
);

const plausible: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 2 ** 53, 2 ** 53 - 1, 1e300, 1.5, -0),
  fc.constantFrom('EUR', 'USD', 'eur', 'manual', 'automatic', 'customer', 'admin', '', ' '),
  fc.uuid().map(String),
  fc.string({ maxLength: 600 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const FIELDS = [
  'amount',
  'currency',
  'userId',
  'accountId',
  'payerAccountId',
  'payeeAccountId',
  'captureMethod',
  'captureWindowSeconds',
  'description',
  'reason',
  'name',
  'role',
  'eventId',
  'transferId',
  'type',
  'occurredAt',
];

/** A JSON body of plausible fields in which at least one field is poisoned: no command can run on it. */
const poisonedJsonBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 10 })), plausible, { maxKeys: 6 }),
    fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 10 }), fc.constantFrom('x\u0000', 'k\ud800')),
    poison,
  )
  .map(([fields, field, poisonText]) => withFieldLast(fields, field, poisonText));

/** `fields` as JSON with `field` added last, so that it wins over a plausible field of the same name. */
function withFieldLast(fields: Record<string, unknown>, field: string, valueText: string): string {
  const head = JSON.stringify(fields).slice(0, -1);
  return `${head}${head === '{' ? '' : ','}${JSON.stringify(field)}:${valueText}}`;
}

/** Non-empty text that is not JSON: with a JSON content type, a parse error; else refused unread. */
const notJsonText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ minLength: 1 }),
    fc.constantFrom('currency=EUR', '{"amount":', '['.repeat(5_000), 'amount=1&amount=2', '\u0000', 'null', '1'),
  )
  .filter((text) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value !== 'object' || value === null;
    } catch {
      return true;
    }
  });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON; Charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'application/jsonx',
  'application/ld+json',
  undefined,
];

const headerText = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);
const idempotencyKey = fc.option(fc.oneof(fc.uuid().map(String), headerText), { nil: undefined });

const forgedCursor = fc
  .record(
    {
      createdAt: fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.string(),
      ),
      id: fc.oneof(fc.uuid().map(String), fc.string()),
    },
    { requiredKeys: [] },
  )
  .map((keyset) => Buffer.from(JSON.stringify(keyset)).toString('base64url'));

const dateText = fc.oneof(
  fc.constantFrom(
    '2020-02-31',
    '2020-W01',
    '2020-001',
    '0000-01-01',
    '9999-12-31T23:59:59-23:59',
    '2020-01-01T10:00:00',
  ),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom('0', '-1', '101', '1e3', '1.5', 'NaN', '', 'open', 'pending', 'deposit', 'captured'),
  fc.uuid().map(String),
  forgedCursor,
  dateText,
);

const QUERY_NAMES = ['limit', 'cursor', 'from', 'to', 'status', 'type', 'accountId', 'userId', 'fromRevision', 'at'];
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 8 })), queryValue), {
    maxLength: 5,
  })
  .map((pairs) => {
    const search = new URLSearchParams(pairs).toString();
    return search ? `?${search}` : '';
  });

const garbageSegment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%ZZ', '%E0%A4%A', '..', '%00', 'null', '0'),
);

describe('Fuzzing every route (over HTTP)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
  });
  afterAll(() => ledger.close());

  /** Events and idempotency records: neither may move on any generated request. */
  const writes = async () =>
    (
      await ledger.database.pool.query(
        `SELECT (SELECT count(*) FROM es_events) || '/' || (SELECT count(*) FROM idempotency_keys) AS writes`,
      )
    ).rows[0].writes as string;

  /** Everything a refused request could have changed: events, idempotency records, balances, payments. */
  async function ledgerState() {
    const caughtUp = await fetch(`${ledger.baseUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${ledger.adminKey}`, ...(await caughtUpHeaders(ledger)) },
    });
    expect(caughtUp.status).toBe(200);
    const { rows } = await ledger.database.pool.query(
      `SELECT (SELECT count(*) FROM es_events)::text AS events,
              (SELECT count(*) FROM idempotency_keys)::text AS keys,
              (SELECT coalesce(sum(ledger), 0) || '/' || coalesce(sum(held), 0) FROM rm_accounts) AS balances,
              (SELECT string_agg(id || ':' || status || ':' || captured_amount || ':' || refunded_amount, ',' ORDER BY id)
                 FROM rm_payments) AS payments`,
    );
    return rows[0];
  }

  it('answers generated requests to every route without a 5xx, in the error shape, and changes nothing', async () => {
    const { user, account, pay, api } = ledgerTraffic(ledger);
    const customer = await user('Fuzz Customer', 'customer');
    const merchant = await user('Fuzz Merchant', 'merchant');
    const payer = await account(customer, 1_000);
    const payee = await account(merchant);
    const authorized = (
      await pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 100, captureMethod: 'manual' })
    ).body.id as string;
    const captured = (await pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 50 })).body
      .id as string;
    const deposit = (await api.get(`/api/v1/deposits?accountId=${payer}`, customer.apiKey)).body.data[0].id as string;

    const document = (await (await fetch(`${ledger.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses?: unknown }>>;
    };
    const routes: Route[] = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => {
        const verb = method.toUpperCase();
        // An event stream never ends: its answers to bad requests are tested where it is (live).
        if (JSON.stringify(operation.responses).includes('text/event-stream')) return [];
        return verb === 'GET' || verb === 'POST' ? [{ method: verb, path, takesBody: 'requestBody' in operation }] : [];
      }),
    );
    expect(routes.length).toBeGreaterThan(25);

    // Real targets for path parameters, beside random and malformed ones; never a real projection name,
    // whose rebuild would run for real.
    const knownIds: Record<string, string[]> = {
      paymentId: [authorized, captured],
      accountId: [payer, payee],
      userId: [customer.id, merchant.id],
      id: [deposit, payer],
      streamName: [`account-${payer}`, `payment-${captured}`],
    };
    const pathParameter = (name: string) =>
      fc.oneof(fc.constantFrom(...(knownIds[name] ?? [randomUUID()])), fc.uuid().map(String), garbageSegment);

    const keys = fc.constantFrom<string | undefined>(
      ledger.adminKey,
      customer.apiKey,
      merchant.apiKey,
      undefined,
      'lk_not_a_key',
    );

    const body = fc.oneof(
      fc.record({ contentType: fc.constantFrom(...CONTENT_TYPES), text: poisonedJsonBody }),
      fc.record({ contentType: fc.constantFrom(...CONTENT_TYPES), text: notJsonText }),
    );

    const request: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...routes).chain((route) =>
      fc
        .record({
          path: fc.tuple(
            ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => pathParameter(name)),
            fc.constant(''),
          ),
          query,
          key: keys,
          idempotencyKey,
          body,
        })
        .map(({ path: values, query: search, key, idempotencyKey: idempotency, body: { contentType, text } }) => {
          let index = 0;
          const path = route.path.replace(/\{\w+\}/g, () => values[index++]);
          const headers: Record<string, string> = {};
          if (key) headers.authorization = `Bearer ${key}`;
          // A POST that takes no body (verify, rebuild) runs whatever body it gets, and keeps its key like any run.
          if (idempotency !== undefined && route.takesBody) headers['idempotency-key'] = idempotency;
          if (route.method === 'GET') return { method: route.method, url: `${path}${search}`, headers };
          if (contentType) headers['content-type'] = contentType;
          return { method: route.method, url: `${path}${search}`, headers, body: new TextEncoder().encode(text) };
        }),
    );

    const before = await ledgerState();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, url, headers, body: bytes }) => {
        const writesBefore = await writes();
        const response = await fetch(`${ledger.baseUrl}${url}`, { method, headers, body: bytes });
        const text = await response.text();
        if (response.status >= 500) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
        expect({ method, url, headers, status: response.status, text, writes: await writes() }).toEqual({
          method,
          url,
          headers,
          status: response.status,
          text,
          writes: writesBefore,
        });
        expect(text).not.toMatch(/\n\s+at |node_modules|SELECT |INSERT |es_events|rm_\w+/);
        if (response.status >= 400) {
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          expect(JSON.parse(text)).toEqual(
            expect.objectContaining({
              error: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/),
              message: expect.any(String),
              requestId: expect.any(String),
            }),
          );
        }
      }),
      { numRuns: RUNS },
    );
    expect(await ledgerState()).toEqual(before);
  });
});
