import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';

export interface DatabaseRole {
  name: string;
  password: string;
}

/** The two roles of a ledger database: one migrates and owns the event store, the other is the app. */
export interface DatabaseRoles {
  owner: DatabaseRole;
  app: DatabaseRole;
}

const SCRAM_ITERATIONS = 4096;

/**
 * As a role that may create roles and databases: `owner` and `app` as login roles with these
 * passwords and no server-wide powers, and `database` owned by `owner`. Safe to run at every start:
 * it also resets passwords and attributes, and hands an existing database to `owner`.
 */
export async function provisionDatabase(adminUrl: string, database: string, roles: DatabaseRoles): Promise<void> {
  await withClient(adminUrl, async (client) => {
    for (const role of [roles.owner, roles.app]) {
      const name = escapeIdentifier(role.name);
      const { rows } = await client.query<{ privileged: boolean }>(
        `SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls AS privileged
           FROM pg_roles WHERE rolname = $1`,
        [role.name],
      );
      // A new role has none of these powers. Naming them, even to refuse them, needs a superuser,
      // so they are named only to take them from a role that somehow has them.
      await client.query(
        `${rows.length === 0 ? 'CREATE' : 'ALTER'} ROLE ${name} WITH LOGIN ${passwordClause(role.password)}`,
      );
      if (rows[0]?.privileged) {
        await client.query(`ALTER ROLE ${name} WITH NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
      }
    }
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    await client.query(
      rowCount === 0
        ? `CREATE DATABASE ${escapeIdentifier(database)} OWNER ${escapeIdentifier(roles.owner.name)}`
        : `ALTER DATABASE ${escapeIdentifier(database)} OWNER TO ${escapeIdentifier(roles.owner.name)}`,
    );
  });
}

/** `serverUrl` (its host, port and options) pointed at `database`, as `role` when given. */
export function connectionString(serverUrl: string, database: string, role?: DatabaseRole): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  if (role) {
    url.username = encodeURIComponent(role.name);
    url.password = encodeURIComponent(role.password);
  }
  return url.toString();
}

/** A password fit for a connection string: 256 random bits, URL-safe. */
export function randomPassword(): string {
  return randomBytes(32).toString('base64url');
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * `PASSWORD '<SCRAM verifier>'` for CREATE/ALTER ROLE: the server is never sent the password
 * itself, which it would write to its log with a failing statement.
 */
export function passwordClause(password: string): string {
  return `PASSWORD ${escapeLiteral(scramVerifier(password))}`;
}

/** What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802, 7677); ASCII passwords need no SASLprep. */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const hmac = (text: string) => createHmac('sha256', salted).update(text).digest();
  const storedKey = createHash('sha256').update(hmac('Client Key')).digest('base64');
  const serverKey = hmac('Server Key').toString('base64');
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}
