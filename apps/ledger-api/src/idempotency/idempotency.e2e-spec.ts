import { request } from 'node:http';
import { apiClient, startTestLedger, TestLedger } from '../../../../test/ledger-app';

describe('Idempotency-Key (over HTTP)', () => {
  let ledger: TestLedger;
  let api: ReturnType<typeof apiClient>;
  let user: { id: string; apiKey: string };

  beforeAll(async () => {
    ledger = await startTestLedger();
    api = apiClient(ledger.baseUrl);
    user = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Dana', role: 'customer' })).body;
  });
  afterAll(() => ledger.close());

  it('runs a request sent 20 times at once exactly once, then replays it', async () => {
    const key = { 'Idempotency-Key': 'open-eur-account-1' };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.post('/api/v1/accounts', user.apiKey, { currency: 'EUR' }, key)),
    );
    const created = responses.filter((response) => response.status === 201);
    const inUse = responses.filter((response) => response.status === 409);
    expect(created.length + inUse.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    for (const response of inUse) {
      expect(response.body.error).toBe('idempotency_key_in_use');
      expect(response.headers.get('retry-after')).toBe('1');
    }

    const repeat = await api.post('/api/v1/accounts', user.apiKey, { currency: 'EUR' }, key);
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(created[0].body);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.headers.get('x-ledger-position')).toBe(created[0].headers.get('x-ledger-position'));

    const accounts = await api.get('/api/v1/accounts', user.apiKey, {
      'X-Min-Position': repeat.headers.get('x-ledger-position')!,
    });
    expect(accounts.body.data.filter((account: { currency: string }) => account.currency === 'EUR')).toHaveLength(1);
  });

  it('keeps the answer of each of many requests made at once under their own keys, refusals included', async () => {
    const users = await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        const created = await api.post('/api/v1/users', ledger.adminKey, { name: `Batch ${index}`, role: 'customer' });
        return created.body as { id: string; apiKey: string };
      }),
    );
    const someoneElse = '00000000-0000-4000-8000-000000000000';
    const requests = users.flatMap((owner, index) =>
      [{ currency: 'EUR' }, { currency: 'USD' }, { currency: 'GBP' }, { currency: 'EUR', userId: someoneElse }].map(
        (body, n) => ({ owner, body, key: { 'Idempotency-Key': `batch-${index}-${n}` } }),
      ),
    );
    const send = () =>
      Promise.all(requests.map(({ owner, body, key }) => api.post('/api/v1/accounts', owner.apiKey, body, key)));

    const first = await send();
    expect(first.map((response) => response.status)).toEqual(
      requests.map(({ body }) => ('userId' in body ? 403 : 201)),
    );
    const again = await send();
    again.forEach((response, index) => {
      expect(response.status).toBe(first[index].status);
      expect(response.body).toEqual(first[index].body);
      expect(response.headers.get('idempotent-replayed')).toBe('true');
    });
    const created = first.filter((response) => response.status === 201).map((response) => response.body.id);
    expect(new Set(created).size).toBe(users.length * 3);
  });

  it('answers 422 idempotency_key_reused for another request under the same key', async () => {
    const key = { 'Idempotency-Key': 'open-account-2' };
    expect((await api.post('/api/v1/accounts', user.apiKey, { currency: 'USD' }, key)).status).toBe(201);
    const other = await api.post('/api/v1/accounts', user.apiKey, { currency: 'GBP' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
  });

  it('replays an error answer too, once the command ran', async () => {
    const openForSomeoneElse = () =>
      api.post(
        '/api/v1/accounts',
        user.apiKey,
        { currency: 'USD', userId: '00000000-0000-4000-8000-000000000000' },
        { 'Idempotency-Key': 'open-for-someone-else' },
      );
    const first = await openForSomeoneElse();
    expect(first.status).toBe(403);
    const again = await openForSomeoneElse();
    expect(again.status).toBe(403);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('scopes keys per user and rejects a malformed key', async () => {
    const other = (await api.post('/api/v1/users', ledger.adminKey, { name: 'Eve', role: 'customer' })).body;
    const key = { 'Idempotency-Key': 'shared-key' };
    const mine = await api.post('/api/v1/accounts', user.apiKey, { currency: 'CHF' }, key);
    const theirs = await api.post('/api/v1/accounts', other.apiKey, { currency: 'CHF' }, key);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    const tooLong = await api.post(
      '/api/v1/accounts',
      user.apiKey,
      { currency: 'CHF' },
      { 'Idempotency-Key': 'k'.repeat(256) },
    );
    expect(tooLong.status).toBe(400);
  });

  it('refuses a key sent twice (two header lines, which Node would join into one key) and runs nothing', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sent = request(
        `${ledger.baseUrl}/api/v1/accounts`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${user.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': ['twice-1', 'twice-2'],
          },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        },
      );
      sent.on('error', reject);
      sent.end(JSON.stringify({ currency: 'SEK' }));
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'Idempotency-Key', problems: ['Idempotency-Key must be sent once'] }],
    });
    const accounts = await api.get('/api/v1/accounts', user.apiKey);
    expect(accounts.body.data.map((account: { currency: string }) => account.currency)).not.toContain('SEK');
  });
  /** A POST of exactly these bytes, answered as raw bytes. */
  async function rawPost(apiKey: string, path: string, body: string, key: string) {
    const response = await fetch(`${ledger.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
      body,
    });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  it('replays the very bytes, status and headers of the first answer, success or refusal', async () => {
    for (const [body, status] of [
      [`{"currency":"SEK"}`, 201],
      [`{"currency":"SEK","userId":"00000000-0000-4000-8000-000000000000"}`, 403],
    ] as const) {
      const key = `bytes-${status}`;
      const first = await rawPost(user.apiKey, '/api/v1/accounts', body, key);
      const again = await rawPost(user.apiKey, '/api/v1/accounts', body, key);
      expect(first.status).toBe(status);
      expect(again.status).toBe(status);
      expect(again.bytes.equals(first.bytes)).toBe(true);
      for (const header of ['content-type', 'content-length', 'etag', 'x-ledger-position', 'location'])
        expect([header, again.headers.get(header)]).toEqual([header, first.headers.get(header)]);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    }
  });

  it('keeps nothing under the key of a request refused before its command ran', async () => {
    const key = { 'Idempotency-Key': 'fix-and-retry' };
    const invalid = await api.post('/api/v1/accounts', user.apiKey, { currency: 'US' }, key);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('validation_failed');
    const malformed = await rawPost(user.apiKey, '/api/v1/accounts', '{"currency":', 'fix-and-retry');
    expect(malformed.status).toBe(400);
    const unauthenticated = await api.post('/api/v1/accounts', 'not-a-key', { currency: 'NOK' }, key);
    expect(unauthenticated.status).toBe(401);
    const badPath = await api.post('/api/v1/payments/not-a-uuid/capture', user.apiKey, {}, key);
    expect(badPath.status).toBe(400);

    const corrected = await api.post('/api/v1/accounts', user.apiKey, { currency: 'NOK' }, key);
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
    const replay = await api.post('/api/v1/accounts', user.apiKey, { currency: 'NOK' }, key);
    expect(replay.body).toEqual(corrected.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('compares bodies as parsed JSON: key order and spacing do not matter, values and types do', async () => {
    const key = 'reordered';
    const first = await rawPost(ledger.adminKey, '/api/v1/accounts', `{"currency":"JPY","userId":"${user.id}"}`, key);
    expect(first.status).toBe(201);
    const reordered = await rawPost(
      ledger.adminKey,
      '/api/v1/accounts',
      `{ "userId" : "${user.id}",\n  "currency": "JPY" }`,
      key,
    );
    expect(reordered.status).toBe(201);
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
    expect(reordered.bytes.equals(first.bytes)).toBe(true);

    const otherValue = await rawPost(
      ledger.adminKey,
      '/api/v1/accounts',
      `{"currency":"CHF","userId":"${user.id}"}`,
      key,
    );
    expect(otherValue.status).toBe(422);
    expect(JSON.parse(otherValue.bytes.toString()).error).toBe('idempotency_key_reused');
    const otherType = await rawPost(
      ledger.adminKey,
      '/api/v1/accounts',
      `{"currency":["JPY"],"userId":"${user.id}"}`,
      key,
    );
    expect(otherType.status).toBe(422);
  });
});
