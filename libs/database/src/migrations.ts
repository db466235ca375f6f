import { runner } from 'node-pg-migrate';
import { escapeIdentifier } from 'pg';
import { withClient } from './database-roles';

export interface MigrationSet {
  /** Folder of `.sql` migrations owned by one library. */
  dir: string;
  /** Table recording which of them ran; one per library so each owns its schema. */
  table: string;
  /**
   * Only for a set the owner role migrates and owns: the statements that give the app role
   * (`role`, an escaped identifier) what it may do with the set's objects, and nothing more.
   * A set without them is migrated, and so owned, by the app role.
   */
  appGrants?: (role: string) => string;
}

export interface DatabaseUrls {
  /** The app's role. */
  url: string;
  /** The owner role, which migrates the sets that have `appGrants`; unset: the app's role does everything. */
  migrationUrl?: string;
}

/**
 * Runs every set in order. With a separate owner role, the sets with `appGrants` run as the owner,
 * which then grants the app role their share (again at every run, so grants added later reach
 * existing databases), and the others run as the app role, which may create in the owner's
 * database and schema (its own tables, and the schemas of read-model rebuilds).
 */
export async function migrateDatabase(database: DatabaseUrls, sets: readonly MigrationSet[]): Promise<void> {
  const { url, migrationUrl } = database;
  const appRole = migrationUrl ? await separateAppRole(url, migrationUrl) : undefined;
  if (!migrationUrl || !appRole) {
    for (const set of sets) await runMigrations(url, set);
    return;
  }
  await withClient(migrationUrl, async (client) => {
    const { rows } = await client.query<{ database: string; schema: string }>(
      'SELECT current_database() AS database, current_schema() AS schema',
    );
    await client.query(`GRANT CREATE ON DATABASE ${escapeIdentifier(rows[0].database)} TO ${appRole}`);
    await client.query(`GRANT USAGE, CREATE ON SCHEMA ${escapeIdentifier(rows[0].schema)} TO ${appRole}`);
  });
  for (const set of sets) {
    const { appGrants } = set;
    if (!appGrants) {
      await runMigrations(url, set);
      continue;
    }
    await runMigrations(migrationUrl, set);
    await withClient(migrationUrl, (client) => client.query(appGrants(appRole)));
  }
}

/**
 * On our own connection: node-pg-migrate does not wait for the end of one it opens, so a server
 * stopped right after (`make migrate` on the embedded one) would kill it with nobody listening.
 */
async function runMigrations(databaseUrl: string, set: MigrationSet): Promise<void> {
  await withClient(databaseUrl, (dbClient) =>
    runner({
      dbClient,
      dir: set.dir,
      migrationsTable: set.table,
      direction: 'up',
      advisoryLockMode: 'wait',
      singleTransaction: true,
      log: () => undefined,
    }),
  );
}

/** The app's role, escaped, when it is not the owner's. */
async function separateAppRole(url: string, migrationUrl: string): Promise<string | undefined> {
  const roleOf = (connection: string) =>
    withClient(
      connection,
      async (client) => (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0].role,
    );
  const [app, owner] = await Promise.all([roleOf(url), roleOf(migrationUrl)]);
  return app === owner ? undefined : escapeIdentifier(app);
}
