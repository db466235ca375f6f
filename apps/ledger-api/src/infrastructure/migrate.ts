import { join } from 'node:path';
import { CONSUMER_MIGRATIONS } from '@ledger/consumers';
import { DatabaseUrls, migrateDatabase, MigrationSet } from '@ledger/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from '@ledger/event-store/postgres';

/** The API's own tables: read models and idempotency records. */
export const API_MIGRATIONS: MigrationSet = { dir: join(__dirname, '..', 'migrations'), table: 'api_migrations' };

/**
 * Every schema the API needs in its database; the event store's only when it lives there. With an
 * owner role (`migrationUrl`) the event store is the owner's and the app may only append to it and
 * read it; the read models are the app's own, since a rebuild replaces their tables.
 */
export async function migrateLedgerDatabase(database: DatabaseUrls, usesKurrentDb: boolean): Promise<void> {
  await migrateDatabase(database, [
    ...(usesKurrentDb ? [] : [POSTGRES_EVENT_STORE_MIGRATIONS]),
    CONSUMER_MIGRATIONS,
    API_MIGRATIONS,
  ]);
}
