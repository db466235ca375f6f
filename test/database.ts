import { randomUUID } from 'node:crypto';
import { escapeIdentifier, Pool } from 'pg';
import {
  connectionString,
  createPool,
  DatabaseRoles,
  migrateDatabase,
  MigrationSet,
  provisionDatabase,
  randomPassword,
  withClient,
} from '@ledger/database';

export interface TestDatabase {
  /** As the app's role: no superuser, append-only on the event store. */
  url: string;
  /** As the owner role, which migrated the event store. */
  migrationUrl: string;
  /** On `url`. */
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file on the run's server, with its own owner and app roles,
 * migrated as the ledger migrates in production (migrateDatabase): so every test runs the app
 * with the app role's privileges.
 */
export async function createTestDatabase(migrations: readonly MigrationSet[], poolSize = 20): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_SERVER_URL;
  if (!serverUrl) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (test/global-setup.ts)');
  const name = `ledger_test_${randomUUID().replace(/-/g, '')}`;
  const roles: DatabaseRoles = {
    owner: { name: `${name}_owner`, password: randomPassword() },
    app: { name: `${name}_app`, password: randomPassword() },
  };
  await provisionDatabase(serverUrl, name, roles);
  const url = connectionString(serverUrl, name, roles.app);
  const migrationUrl = connectionString(serverUrl, name, roles.owner);
  await migrateDatabase({ url, migrationUrl }, migrations);
  const pool = createPool(url, { max: poolSize });
  return {
    url,
    migrationUrl,
    pool,
    drop: async () => {
      await pool.end();
      await withClient(serverUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
        for (const role of [roles.app, roles.owner]) {
          await client.query(`DROP ROLE IF EXISTS ${escapeIdentifier(role.name)}`);
        }
      });
    },
  };
}
