import { freePort } from '@ledger/database';
import { randomUUID } from 'node:crypto';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { createTestDatabase } from './database';
import { eventually } from './eventually';
import { caughtUpHeaders } from './ledger-app';
import { startLedgerProcess } from './ledger-process';
import { FAST_BANK_ENV, ledgerTraffic } from './ledger-traffic';
import { startWebhookReceiver, walkEventsFeed } from './webhook-receiver';

const ADMIN_KEY = `webhooks-restart-admin-${randomUUID()}`;

describe('webhooks with the ledger SIGKILLed while deliveries are pending', () => {
  it('brings every event to each subscribed endpoint after the restart: none lost, each once after dedupe', async () => {
    const database = await createTestDatabase([CONSUMER_MIGRATIONS]);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // Slow receivers: the kill finds many deliveries still pending.
    const merchantHooks = await startWebhookReceiver({ delayMs: 20 });
    const adminHooks = await startWebhookReceiver({ delayMs: 10 });
    const start = () =>
      startLedgerProcess(port, {
        ...FAST_BANK_ENV,
        DATABASE_URL: database.url,
        DATABASE_MIGRATION_URL: database.migrationUrl,
        LEDGER_ADMIN_API_KEY: ADMIN_KEY,
        WEBHOOK_RETRY_INITIAL_MS: '200',
      });
    let child = await start();
    try {
      const traffic = ledgerTraffic({ baseUrl, adminKey: ADMIN_KEY });
      const [customer, merchant] = [await traffic.user('Kim', 'customer'), await traffic.user('Lou', 'merchant')];
      const subscribe = (key: string, url: string) =>
        traffic.api.post('/api/v1/webhook-endpoints', key, { url, eventTypes: ['*'] }, traffic.keyed());
      expect((await subscribe(merchant.apiKey, merchantHooks.url)).status).toBe(201);
      expect((await subscribe(ADMIN_KEY, adminHooks.url)).status).toBe(201);
      const payer = await traffic.account(customer, 10_000);
      const payee = await traffic.account(merchant);

      const burst = Array.from({ length: 150 }, () =>
        traffic.pay(customer, { payerAccountId: payer, payeeAccountId: payee, amount: 1 }).catch(() => undefined),
      );
      await eventually(async () => merchantHooks.received.length >= 20, 30_000);
      child.kill();
      await Promise.all(burst);
      const deliveredBeforeKill = merchantHooks.uniqueIds().length;

      child = await start();
      const headers = await caughtUpHeaders({ database });
      const adminFeed = await walkEventsFeed(baseUrl, ADMIN_KEY, { limit: 100, headers });
      const merchantFeed = await walkEventsFeed(baseUrl, merchant.apiKey, { limit: 100, headers });
      expect(deliveredBeforeKill).toBeLessThan(merchantFeed.ids.length);
      await eventually(
        async () =>
          merchantHooks.uniqueIds().length >= merchantFeed.ids.length &&
          adminHooks.uniqueIds().length >= adminFeed.ids.length,
        60_000,
      );
      // Deduplicated by id, each receiver has exactly the events its owner may see: none lost, none extra.
      expect([...merchantHooks.uniqueIds()].sort()).toEqual([...merchantFeed.ids].sort());
      expect([...adminHooks.uniqueIds()].sort()).toEqual([...adminFeed.ids].sort());
      expect(merchantFeed.events.every((event) => event.type.startsWith('payment.'))).toBe(true);
      // At least once: a delivery in flight at the kill may have come twice, never more often than that.
      const repeats = merchantHooks.received.length - merchantHooks.uniqueIds().length;
      expect(repeats).toBeLessThanOrEqual(20);
    } finally {
      child.kill();
      await Promise.all([merchantHooks.close(), adminHooks.close()]);
      await database.drop();
    }
  });
});
