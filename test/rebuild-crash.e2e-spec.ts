import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { freePort } from '@ledger/database';
import { PostgresEventStore } from '@ledger/event-store/postgres';
import { appendAccountHistories } from '../bench/account-history';
import { createTestDatabase } from './database';
import { eventually } from './eventually';
import { apiClient } from './ledger-app';
import { startLedgerProcess } from './ledger-process';

const ADMIN_KEY = `rebuild-crash-admin-${randomUUID()}`;

/** What the journal and balances read models hold, summed. */
async function readModelTotals(pool: Pool) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM rm_journal)::int AS postings,
            (SELECT sum(amount) FROM rm_journal)::text AS journal_total,
            (SELECT count(*) FROM rm_journal_holds)::int AS holds,
            (SELECT sum(ledger)::text FROM rm_accounts) AS ledger_total,
            (SELECT sum(held)::text FROM rm_accounts) AS held_total`,
  );
  return rows[0];
}

describe('a rebuild whose process is killed midway', () => {
  it('leaves the live read models serving and correct; a new rebuild then completes', async () => {
    const database = await createTestDatabase([CONSUMER_MIGRATIONS]);
    const port = await freePort();
    const env = {
      DATABASE_URL: database.url,
      DATABASE_MIGRATION_URL: database.migrationUrl,
      LEDGER_ADMIN_API_KEY: ADMIN_KEY,
    };
    const api = apiClient(`http://127.0.0.1:${port}`);
    let ledger = await startLedgerProcess(port, env);
    try {
      // 100,000 events of 200 accounts, through the adapter, then followed by the live projections.
      const store = new PostgresEventStore(database.pool, database.url);
      const { accountIds } = await appendAccountHistories(store, {
        accounts: 200,
        eventsPerAccount: 500,
        userId: randomUUID(),
      });
      await eventually(async () => {
        const projections = (await api.get('/api/v1/admin/projections', ADMIN_KEY)).body;
        return projections.every((projection: { lag: number }) => projection.lag === 0);
      }, 90_000);
      const before = await readModelTotals(database.pool);
      // Per account: an opening, 167 deposits of 100 and 166 settled withdrawals of 40.
      expect(before).toMatchObject({ journal_total: '0', ledger_total: String(200 * 10_060), held_total: '0' });

      expect((await api.post('/api/v1/admin/projections/journal/rebuild', ADMIN_KEY)).status).toBe(202);
      await eventually(async () => {
        const rebuild = (await api.get('/api/v1/admin/projections/journal/rebuild', ADMIN_KEY)).body;
        return rebuild.status === 'running' && rebuild.processed > 0;
      }, 30_000);
      const listed = (await api.get('/api/v1/admin/projections', ADMIN_KEY)).body;
      expect(listed.find((projection: { name: string }) => projection.name === 'journal').status).toBe('rebuilding');
      ledger.kill();
      expect(await readModelTotals(database.pool)).toEqual(before);

      ledger = await startLedgerProcess(port, env);
      const balance = await api.get(`/api/v1/accounts/${accountIds[0]}/balance`, ADMIN_KEY);
      expect(balance).toMatchObject({ status: 200, body: { ledger: 10_060, held: 0 } });
      expect((await api.get('/api/v1/admin/projections/journal/rebuild', ADMIN_KEY)).body.status).toBe('failed');
      const projections = (await api.get('/api/v1/admin/projections', ADMIN_KEY)).body;
      expect(projections.every((projection: { status: string }) => projection.status === 'live')).toBe(true);
      const verified = (await api.post('/api/v1/admin/audit/verify', ADMIN_KEY)).body;
      expect(verified).toMatchObject({ accounts: 200, discrepancies: [], journalBalanced: true });

      expect((await api.post('/api/v1/admin/projections/journal/rebuild', ADMIN_KEY)).status).toBe(202);
      const done = await eventually(async () => {
        const rebuild = (await api.get('/api/v1/admin/projections/journal/rebuild', ADMIN_KEY)).body;
        return rebuild.status === 'running' ? undefined : rebuild;
      }, 90_000);
      const { rows: recorded } = await database.pool.query(
        'SELECT status, error FROM projection_rebuilds ORDER BY started_at',
      );
      expect(recorded).toEqual([
        { status: 'failed', error: 'interrupted' },
        { status: 'done', error: null },
      ]);
      expect(done).toMatchObject({
        status: 'done',
        differences: { rm_journal: 0, rm_journal_accounts: 0, rm_journal_holds: 0 },
      });
      expect(await readModelTotals(database.pool)).toEqual(before);
      const { rows: leftovers } = await database.pool.query(
        `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ledger_rebuild_%' OR nspname LIKE 'ledger_retired_%'`,
      );
      expect(leftovers).toEqual([]);
    } finally {
      ledger.kill();
      await database.drop();
    }
  });
});
