// Runs the ledger's migrations alone (the app also runs them at start): against DATABASE_URL (the
// event store's as DATABASE_MIGRATION_URL's role when that is set), else against the embedded
// PostgreSQL in LEDGER_DATA_DIR, as `npm start` would.
import { openDatabase } from '@ledger/database';
import { ConfigError, loadConfig } from '../apps/ledger-api/src/config/ledger-config';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';

async function migrate(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openDatabase(
    { url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl },
    config.dataDir,
    () => undefined,
  );
  try {
    await migrateLedgerDatabase(database, Boolean(config.eventStoreConnectionString));
  } finally {
    await database.stop();
  }
}

migrate().then(
  () => console.log('migrations applied'),
  (error: Error) => {
    console.error(error instanceof ConfigError ? error.message : `migration failed: ${error.message}`);
    process.exit(1);
  },
);
