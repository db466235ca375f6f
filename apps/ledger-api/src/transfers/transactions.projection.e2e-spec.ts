import { CONSUMER_MIGRATIONS, ConsumerRunner } from '@ledger/consumers';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { createTestDatabase } from '../../../../test/database';
import { eventually } from '../../../../test/eventually';
import { caughtUpHeaders, TestLedger, useTestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../../test/ledger-traffic';
import { projectFromScratch, tableRows } from '../../../../test/read-model-tables';
import { API_MIGRATIONS } from '../infrastructure/migrate';
import { transactionsProjection } from './transactions.projection';

describe('The transactions projection, the one writer of rm_transactions', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;
  useTestLedger((started) => ((ledger = started), (traffic = ledgerTraffic(started))), FAST_BANK_ENV);

  it('added to a database whose transactions other projections wrote, catches up from the start to the same rows', async () => {
    const { api, user, account, pay, paymentAction, requestTransfer } = traffic;
    const customer = await user('Ada', 'customer');
    const merchant = await user('Shop', 'merchant');
    const payer = await account(customer, 10_000);
    const payee = await account(merchant);
    const manual = await pay(customer, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 500,
      captureMethod: 'manual',
    });
    await paymentAction(merchant, manual.body.id, 'capture', { amount: 300 });
    await paymentAction(merchant, manual.body.id, 'refunds', { amount: 100 });
    const voided = await pay(customer, {
      payerAccountId: payer,
      payeeAccountId: payee,
      amount: 50,
      captureMethod: 'manual',
    });
    await paymentAction(merchant, voided.body.id, 'void');
    await pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 70 });
    const withdrawal = await requestTransfer(customer, 'withdrawal', payer, 200);
    await eventually(
      async () =>
        (await api.get(`/api/v1/withdrawals/${withdrawal.body.id}`, customer.apiKey)).body?.status === 'succeeded',
    );
    await api.get('/api/v1/users/me', ledger.adminKey, await caughtUpHeaders(ledger));
    const live = await tableRows(ledger.database.pool, 'rm_transactions');
    expect(live.length).toBe(9);

    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const upgraded = await createTestDatabase([CONSUMER_MIGRATIONS, API_MIGRATIONS], 4);
    try {
      // As a database migrated to this version finds it: every transaction row written, no parties, no checkpoint.
      await projectFromScratch(store, [transactionsProjection], upgraded.pool);
      await upgraded.pool.query('TRUNCATE rm_transaction_parties');
      const runner = new ConsumerRunner(store, upgraded.url, [transactionsProjection]);
      runner.start();
      try {
        await eventually(async () => (await runner.status())[0]?.lag === 0n);
      } finally {
        await runner.stop();
      }
      expect(await tableRows(upgraded.pool, 'rm_transactions')).toEqual(live);
      expect(await tableRows(upgraded.pool, 'rm_transaction_parties')).toEqual(
        await tableRows(ledger.database.pool, 'rm_transaction_parties'),
      );
    } finally {
      await upgraded.drop();
    }
  });
});
