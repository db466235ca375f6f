import { join } from 'node:path';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { MigrationSet, runMigrations } from '@ledger/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from '@ledger/event-store';

/** The API's own tables: read models and idempotency records. */
export const API_MIGRATIONS: MigrationSet = { dir: join(__dirname, '..', 'migrations'), table: 'api_migrations' };

/** Every schema the API needs in its database; the event store's only when it lives there. */
export async function migrateLedgerDatabase(databaseUrl: string, usesKurrentDb: boolean): Promise<void> {
  if (!usesKurrentDb) await runMigrations(databaseUrl, POSTGRES_EVENT_STORE_MIGRATIONS);
  await runMigrations(databaseUrl, CONSUMER_MIGRATIONS);
  await runMigrations(databaseUrl, API_MIGRATIONS);
}
