import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { runMigrations } from '@ledger/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from '@ledger/event-store';

/** Every schema the API needs in its database; the event store's only when it lives there. */
export async function migrateLedgerDatabase(databaseUrl: string, usesKurrentDb: boolean): Promise<void> {
  if (!usesKurrentDb) await runMigrations(databaseUrl, POSTGRES_EVENT_STORE_MIGRATIONS);
  await runMigrations(databaseUrl, CONSUMER_MIGRATIONS);
}
