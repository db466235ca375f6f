import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { createPool, MigrationSet, runMigrations } from '@ledger/database';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the run's server, for one test file. */
export async function createTestDatabase(migrations: readonly MigrationSet[], poolSize = 20): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_SERVER_URL;
  if (!serverUrl) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (test/global-setup.ts)');
  const name = `ledger_test_${randomUUID().replace(/-/g, '')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(serverUrl, name);
  for (const set of migrations) await runMigrations(url, set);
  const pool = createPool(url, { max: poolSize });
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminClient<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
