// Runs the ledger's migrations against DATABASE_URL alone (the app also runs them at start), the
// event store's as DATABASE_MIGRATION_URL's role when that is set.
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must be set');
  process.exit(1);
}
migrateLedgerDatabase(
  { url, migrationUrl: process.env.DATABASE_MIGRATION_URL },
  Boolean(process.env.EVENTSTORE_CONNECTION_STRING),
).then(
  () => console.log('migrations applied'),
  (error: Error) => {
    console.error(`migration failed: ${error.message}`);
    process.exit(1);
  },
);
