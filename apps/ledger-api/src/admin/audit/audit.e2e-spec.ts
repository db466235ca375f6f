import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';

describe('Audit: point-in-time balances and ledger verification (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;
  let customer: TestUser;
  let merchant: TestUser;

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Una', 'customer');
    merchant = await traffic.user('Vendor', 'merchant');
  });
  afterAll(() => ledger.close());

  const admin = () => ledger.adminKey;
  const audit = (accountId: string, at?: string) =>
    traffic.api.get(`/api/v1/admin/audit/accounts/${accountId}${at ? `?at=${encodeURIComponent(at)}` : ''}`, admin());
  const verify = () => traffic.api.post('/api/v1/admin/audit/verify', admin());
  const balance = async (accountId: string) =>
    (await traffic.api.get(`/api/v1/accounts/${accountId}/balance`, customer.apiKey, await caughtUpHeaders(ledger)))
      .body;

  it('reports, for past moments, the balances the API showed at those moments', async () => {
    const { account, pay, paymentAction } = traffic;
    const payer = await account(customer, 1_000);
    const payee = await account(merchant);
    const moments: { at: string; balance: { available: number; held: number; ledger: number } }[] = [];
    const remember = async () => {
      const shown = await balance(payer);
      moments.push({
        at: new Date().toISOString(),
        balance: { available: shown.available, held: shown.held, ledger: shown.ledger },
      });
      await delay(30);
    };
    await remember();
    const authorized = await pay(customer, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 300,
      captureMethod: 'manual',
    });
    await remember();
    await paymentAction(merchant, authorized.body.id, 'capture', { amount: 200 });
    await remember();
    await pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 50 });
    await remember();
    expect(moments.map((moment) => moment.balance)).toEqual([
      { available: 1_000, held: 0, ledger: 1_000 },
      { available: 700, held: 300, ledger: 1_000 },
      { available: 800, held: 0, ledger: 800 },
      { available: 750, held: 0, ledger: 750 },
    ]);

    for (const moment of moments) {
      const audited = await audit(payer, moment.at);
      expect(audited.status).toBe(200);
      expect(audited.body).toMatchObject({
        accountId: payer,
        at: moment.at,
        balance: moment.balance,
        consistent: true,
      });
    }
    const now = (await audit(payer)).body;
    expect(now.events.map((event: { type: string }) => event.type)).toEqual([
      'AccountOpened',
      'FundsCredited',
      'FundsHeld',
      'HoldSettled',
      'FundsDebited',
    ]);
    expect(now.events[2]).toMatchObject({ revision: 2, amount: 300, ledgerAfter: 1_000, heldAfter: 300 });
    expect(now.events[3]).toMatchObject({ revision: 3, amount: 200, ledgerAfter: 800, heldAfter: 0 });
    expect(now.readModel).toMatchObject({ available: 750, held: 0, ledger: 750 });
    const beforeOpening = (await audit(payer, '2000-01-01T00:00:00Z')).body;
    expect(beforeOpening).toMatchObject({ balance: { available: 0, held: 0, ledger: 0 }, events: [] });
  });

  it('finds no discrepancy in a clean ledger, and names a read-model row corrupted in SQL', async () => {
    const payer = await traffic.account(customer, 500);
    const clean = await verify();
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ discrepancies: [], journalBalanced: true, durationMs: expect.any(Number) });
    expect(clean.body.accounts).toBeGreaterThanOrEqual(3);
    expect(clean.body.events).toBeGreaterThanOrEqual(clean.body.accounts);

    const { pool } = ledger.database;
    await pool.query('UPDATE rm_accounts SET held = held + 7 WHERE id = $1', [payer]);
    await pool.query(`UPDATE rm_journal SET amount = amount + 1 WHERE id = (SELECT min(id) FROM rm_journal)`);
    try {
      const corrupted = (await verify()).body;
      expect(corrupted.discrepancies).toEqual([
        { accountId: payer, field: 'held', expected: 0, found: 7 },
        { accountId: null, field: 'journal.EUR', expected: 0, found: '1' },
      ]);
      expect(corrupted.journalBalanced).toBe(false);
      expect((await audit(payer)).body).toMatchObject({ readModel: { held: 7 }, consistent: false });
    } finally {
      await pool.query('UPDATE rm_accounts SET held = held - 7 WHERE id = $1', [payer]);
      await pool.query(`UPDATE rm_journal SET amount = amount - 1 WHERE id = (SELECT min(id) FROM rm_journal)`);
    }
    expect((await verify()).body.discrepancies).toEqual([]);
  });

  it('verifies the hash chains after a concurrent payment burst, and exports a checkpoint that proves the history', async () => {
    const payers = await Promise.all(Array.from({ length: 4 }, () => traffic.account(customer, 1_000)));
    const payee = await traffic.account(merchant);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        traffic.pay(customer, { payerAccountId: payers[index % payers.length], payeeAccountId: payee, amount: 5 }),
      ),
    );
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    const report = (await verify()).body;
    expect(report.chain).toMatchObject({ brokenLinks: [], brokenLinkCount: 0 });
    expect(report.chain.events).toBeGreaterThanOrEqual(40);

    // The first checkpoint is written within a second of the first events.
    let latest = await traffic.api.get('/api/v1/admin/audit/checkpoints/latest', admin());
    for (let tries = 0; latest.status === 404 && tries < 50; tries++) {
      await delay(100);
      latest = await traffic.api.get('/api/v1/admin/audit/checkpoints/latest', admin());
    }
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const proof = await traffic.api.post('/api/v1/admin/audit/prove', admin(), latest.body);
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({ proven: true, reason: null });

    const forged = await traffic.api.post('/api/v1/admin/audit/prove', admin(), {
      ...latest.body,
      digest: '0'.repeat(64),
    });
    expect(forged.body).toMatchObject({ proven: false });
    // Any field changed is another checkpoint, not this one proven.
    for (const changed of [
      { previousDigest: 'f'.repeat(64) },
      { streamCount: latest.body.streamCount + 1 },
      { createdAt: '2001-01-01T00:00:00.000Z' },
    ]) {
      const altered = await traffic.api.post('/api/v1/admin/audit/prove', admin(), { ...latest.body, ...changed });
      expect(altered.body).toMatchObject({ proven: false, reason: expect.stringContaining('differs') });
    }
    for (const bad of [{ digest: 'xyz' }, { createdAt: 'bad' }, { streamCount: 1e300 }, { streamCount: -1 }]) {
      const malformed = await traffic.api.post('/api/v1/admin/audit/prove', admin(), { ...latest.body, ...bad });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('validation_failed');
    }
    expect((await traffic.api.get('/api/v1/admin/audit/checkpoints/latest', customer.apiKey)).status).toBe(403);
  });

  it('answers bad input with 4xx', async () => {
    const account = await traffic.account(customer);
    expect((await audit(account, 'yesterday')).status).toBe(400);
    expect((await audit(randomUUID())).status).toBe(404);
    expect((await traffic.api.get('/api/v1/admin/audit/accounts/not-a-uuid', admin())).status).toBe(400);
    expect((await traffic.api.get(`/api/v1/admin/audit/accounts/${account}`, customer.apiKey)).status).toBe(403);
    expect((await traffic.api.post('/api/v1/admin/audit/verify', customer.apiKey)).status).toBe(403);
  });
});
