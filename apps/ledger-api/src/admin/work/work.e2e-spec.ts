import { eventually } from '../../../../../test/eventually';
import { TestLedger, useTestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../../../test/ledger-traffic';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('GET /api/v1/admin/work (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;
  useTestLedger((started) => ((ledger = started), (traffic = ledgerTraffic(started))), FAST_BANK_ENV);

  it('is for admins only', async () => {
    const customer = await traffic.user('Curious Customer', 'customer');
    const merchant = await traffic.user('Curious Merchant', 'merchant');
    expect((await traffic.api.get('/api/v1/admin/work')).status).toBe(401);
    expect((await traffic.api.get('/api/v1/admin/work', 'lk_not_a_key')).status).toBe(401);
    for (const user of [customer, merchant]) {
      const response = await traffic.api.get('/api/v1/admin/work', user.apiKey);
      expect(response).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    }
  });

  it('shows every consumer, the bank work and a series of samples that counts payments', async () => {
    const customer = await traffic.user('Working Customer', 'customer');
    const merchant = await traffic.user('Working Merchant', 'merchant');
    const payer = await traffic.account(customer, 1_000);
    const payee = await traffic.account(merchant);
    for (let index = 0; index < 5; index++) {
      const payment = await traffic.pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 10 });
      expect(payment.status).toBe(201);
    }

    // The first sample is a baseline: a point appears 5 s after start-up, one every 5 s after that.
    const work = await eventually(async () => {
      const response = await traffic.api.get('/api/v1/admin/work', ledger.adminKey);
      const { series } = response.body as { series: { paymentsPerSecond: number }[] };
      return series.some((sample) => sample.paymentsPerSecond > 0) && response.body;
    }, 20_000);

    expect(Object.keys(work).sort()).toEqual(['at', 'bank', 'consumers', 'series']);
    expect(work.at).toMatch(RFC3339);
    expect(work.consumers.length).toBeGreaterThan(5);
    const names = work.consumers.map((consumer: { name: string }) => consumer.name);
    expect(names).toEqual(expect.arrayContaining(['accounts', 'bank-work']));
    for (const consumer of work.consumers) {
      expect(consumer).toEqual({
        name: expect.any(String),
        kind: expect.stringMatching(/^(projection|reactor)$/),
        status: 'running',
        leader: expect.any(String),
        position: expect.any(String),
        lag: expect.any(Number),
        eventsPerSecond: expect.any(Number),
        lastError: null,
      });
    }
    expect(new Set(work.consumers.map((consumer: { leader: string }) => consumer.leader)).size).toBe(1);
    expect(work.bank).toEqual({
      circuit: 'closed',
      waiting: expect.any(Number),
      sent: expect.any(Number),
      retrying: [],
      parked: [],
    });
    for (const sample of work.series) {
      expect(sample).toEqual({
        at: expect.stringMatching(RFC3339),
        requestsPerSecond: expect.any(Number),
        paymentsPerSecond: expect.any(Number),
        lag: expect.any(Number),
      });
    }
    expect(work.series.some((sample: { requestsPerSecond: number }) => sample.requestsPerSecond > 0)).toBe(true);
  });

  it('is described in the OpenAPI document, as is the live channel', async () => {
    const document = (await traffic.api.get('/docs-json')).body;
    expect(document.paths['/api/v1/admin/work'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/WorkResponse',
    });
    expect(Object.keys(document.paths['/api/v1/live'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['LiveChangeNotice', 'LiveReady', 'LiveReset', 'BankWorkResponse', 'WorkSampleResponse']),
    );
  });
});
