import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  url: string;
  /** Stops the embedded server, if this process started one. */
  stop(): Promise<void>;
}

const EMBEDDED_DATABASE = 'ledger';

/** `databaseUrl` when given; otherwise an embedded server in `dataDir` with a `ledger` database. */
export async function openDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  log: (line: string) => void,
): Promise<OpenDatabase> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => undefined };
  const server = await startEmbeddedPostgres(dataDir, log);
  try {
    const client = new Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = new URL(server.url);
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return { url: url.toString(), stop: () => server.stop() };
}
