import { Client, escapeIdentifier } from 'pg';
import { connectionString, DatabaseRoles, provisionDatabase, withClient } from './database-roles';
import { EMBEDDED_SUPERUSER, EmbeddedOptions, startEmbeddedPostgres } from './embedded-postgres';
import { DatabaseUrls } from './migrations';

export interface OpenDatabase extends DatabaseUrls {
  /** Stops the embedded server, if this process started one. */
  stop(): Promise<void>;
}

const EMBEDDED_DATABASE = 'ledger';
const OWNER_ROLE = 'ledger_owner';
const APP_ROLE = 'ledger_app';

/**
 * The given URLs when `configured.url` is set; otherwise an embedded server in `dataDir` with a
 * `ledger` database, owned by `ledger_owner` (which migrates the event store) and used by
 * `ledger_app` (the app: no superuser, append-only on the event store once migrations granted it).
 */
export async function openDatabase(
  configured: Partial<DatabaseUrls>,
  dataDir: string,
  log: (line: string) => void,
  options: EmbeddedOptions = {},
): Promise<OpenDatabase> {
  if (configured.url)
    return { url: configured.url, migrationUrl: configured.migrationUrl, stop: async () => undefined };
  const server = await startEmbeddedPostgres(dataDir, log, options);
  const roles: DatabaseRoles = {
    owner: { name: OWNER_ROLE, password: server.passwords.owner },
    app: { name: APP_ROLE, password: server.passwords.app },
  };
  try {
    await provisionDatabase(server.superuserUrl, EMBEDDED_DATABASE, roles);
    await withClient(connectionString(server.superuserUrl, EMBEDDED_DATABASE), (client) =>
      handOverSuperuserObjects(client, roles),
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: connectionString(server.superuserUrl, EMBEDDED_DATABASE, roles.app),
    migrationUrl: connectionString(server.superuserUrl, EMBEDDED_DATABASE, roles.owner),
    stop: () => server.stop(),
  };
}

/**
 * In a data directory made before these roles existed the superuser owns every table: the event
 * store's (`es_`) go to the owner role, everything else (read models, checkpoints, a rebuild's
 * leftover schema) to the app role, which rebuilds read models and must own them. Finds nothing
 * to do afterwards.
 */
async function handOverSuperuserObjects(client: Client, roles: DatabaseRoles): Promise<void> {
  const { rows } = await client.query<{ statement: string }>(
    `WITH superuser AS (SELECT oid FROM pg_roles WHERE rolname = $1),
          own AS (SELECT oid, nspname FROM pg_namespace
                   WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%')
     SELECT format('ALTER SCHEMA %I OWNER TO %s', nspname, $3::text) AS statement
       FROM pg_namespace WHERE nspowner = (SELECT oid FROM superuser) AND oid IN (SELECT oid FROM own)
        AND nspname <> 'public'
     UNION ALL
     SELECT format('ALTER TABLE %I.%I OWNER TO %s', own.nspname, c.relname,
                   CASE WHEN c.relname LIKE 'es\\_%' THEN $2::text ELSE $3::text END)
       FROM pg_class c JOIN own ON own.oid = c.relnamespace
      WHERE c.relowner = (SELECT oid FROM superuser) AND c.relkind IN ('r', 'p', 'v', 'm')
     UNION ALL
     SELECT format('ALTER ROUTINE %s OWNER TO %s', p.oid::regprocedure, 
                   CASE WHEN p.proname LIKE 'es\\_%' THEN $2::text ELSE $3::text END)
       FROM pg_proc p JOIN own ON own.oid = p.pronamespace
      WHERE p.proowner = (SELECT oid FROM superuser)`,
    [EMBEDDED_SUPERUSER, escapeIdentifier(roles.owner.name), escapeIdentifier(roles.app.name)],
  );
  if (rows.length === 0) return;
  await client.query('BEGIN');
  for (const { statement } of rows) await client.query(statement);
  await client.query('COMMIT');
}
