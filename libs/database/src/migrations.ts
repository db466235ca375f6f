import { runner } from 'node-pg-migrate';

export interface MigrationSet {
  /** Folder of `.sql` migrations owned by one library. */
  dir: string;
  /** Table recording which of them ran; one per library so each owns its schema. */
  table: string;
}

export async function runMigrations(databaseUrl: string, set: MigrationSet): Promise<void> {
  await runner({
    databaseUrl,
    dir: set.dir,
    migrationsTable: set.table,
    direction: 'up',
    advisoryLockMode: 'wait',
    singleTransaction: true,
    log: () => undefined,
  });
}
