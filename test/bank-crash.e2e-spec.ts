import { randomUUID } from 'node:crypto';
import { BankSimulator } from '@ledger/bank-simulator';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { freePort } from '@ledger/database';
import { createTestDatabase } from './database';
import { eventually } from './eventually';
import { LedgerProcess, startLedgerProcess } from './ledger-process';
import { ledgerTraffic } from './ledger-traffic';

const SECRET = 'bank-crash-test-webhook-secret';
const ADMIN_KEY = `bank-crash-admin-${randomUUID()}`;
const SLOW_BANK = { BANK_SUCCESS_RATE: '1', BANK_MIN_DELAY_MS: '1500', BANK_MAX_DELAY_MS: '2500' };
const STATUS_QUERY_AFTER_MS = 2_000;

/**
 * The ledger SIGKILLed right after it sent transfers to the bank, before their outcomes came back:
 * after the restart every transfer still settles (by the bank's callback or, if that was lost, by
 * asking the bank), and no hold stays frozen.
 */
describe.each([
  ['in-process', false],
  ['standalone', true],
] as const)('transfers sent just before the ledger is killed (bank %s)', (_name, standalone) => {
  it('all settle after the restart, with no hold left', async () => {
    const database = await createTestDatabase([CONSUMER_MIGRATIONS]);
    const port = await freePort();
    const bank = standalone
      ? new BankSimulator({
          webhookUrl: () => `http://127.0.0.1:${port}/webhooks/bank-callback`,
          webhookSecret: SECRET,
          successRate: 1,
          minDelayMs: 1_500,
          maxDelayMs: 2_500,
        })
      : undefined;
    const bankEnv = bank ? { BANK_URL: await bank.listen() } : SLOW_BANK;
    let ledger: LedgerProcess | undefined;
    const start = async () => {
      ledger = await startLedgerProcess(port, {
        DATABASE_URL: database.url,
        DATABASE_MIGRATION_URL: database.migrationUrl,
        LEDGER_ADMIN_API_KEY: ADMIN_KEY,
        BANK_WEBHOOK_SECRET: SECRET,
        BANK_STATUS_QUERY_AFTER_MS: String(STATUS_QUERY_AFTER_MS),
        ...bankEnv,
      });
    };
    try {
      await start();
      const traffic = ledgerTraffic({ baseUrl: `http://127.0.0.1:${port}`, adminKey: ADMIN_KEY });
      const owner = await traffic.user('Rae', 'customer');
      const accountId = await traffic.account(owner, 1_000);
      const transfers = await Promise.all(
        Array.from({ length: 20 }, async (_, index) => {
          const kind = index % 2 ? 'withdrawals' : 'deposits';
          const response = await traffic.api.post(
            `/api/v1/${kind}`,
            owner.apiKey,
            { accountId, amount: 10 },
            traffic.keyed(),
          );
          expect(response.status).toBe(202);
          return { kind, id: response.body.id as string };
        }),
      );
      await eventually(async () => {
        const { rows } = await database.pool.query<{ sent: string }>(
          `SELECT count(*) AS sent FROM es_events WHERE event_type = 'TransferSentToBank'`,
        );
        return Number(rows[0].sent) >= 21;
      }, 30_000);
      ledger!.kill();

      await start();
      const settled = Date.now();
      for (const { kind, id } of transfers) {
        await eventually(
          async () => (await traffic.api.get(`/api/v1/${kind}/${id}`, owner.apiKey)).body?.status === 'succeeded',
          60_000,
        );
      }
      console.log(`bank crash (${_name}): every transfer settled ${Date.now() - settled} ms after the restart`);
      await eventually(async () => {
        const balance = (await traffic.api.get(`/api/v1/accounts/${accountId}/balance`, owner.apiKey)).body;
        return balance?.held === 0 && balance.ledger === 1_000;
      }, 10_000);
    } finally {
      ledger?.kill();
      await bank?.close();
      await database.drop();
    }
  }, 240_000);
});
