import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../libs/database/src/embedded-postgres';

/**
 * One PostgreSQL server for the whole run: `DATABASE_URL` when set (its role must be able to create
 * databases and roles), else an embedded server in a fresh temp directory, reached as its
 * superuser. Each test file then creates its own database and roles on it (test/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres(dataDir);
  process.env.TEST_SERVER_URL = server.superuserUrl;
  (globalThis as { __EMBEDDED_PG__?: typeof server }).__EMBEDDED_PG__ = server;
}
