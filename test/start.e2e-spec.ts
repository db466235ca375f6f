import { freePort } from '@ledger/database';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';

/** The README's promise: with no DATABASE_URL, `npm start` runs the ledger on an embedded PostgreSQL. */
describe('npm start on a machine without PostgreSQL settings', () => {
  const root = join(__dirname, '..');

  const environment = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const env = { ...process.env, ...extra };
    delete env.DATABASE_URL;
    delete env.EVENTSTORE_CONNECTION_STRING;
    return env;
  };

  const exitOf = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  it('serves 200 on /health, then stops cleanly on SIGTERM with its embedded PostgreSQL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-start-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: environment({ PORT: String(port), LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
      stdio: 'ignore',
    });
    const exited = exitOf(child);
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 90_000);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

      // npm start seeds the demo ledger of CREDENTIALS.md.
      const alice = { authorization: 'Bearer lk_demo_alice_customer_key_0001' };
      const accounts = await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/accounts`, { headers: alice });
        const body = (await response.json()) as { data?: { currency: string; balance: { available: number } }[] };
        return body.data?.length === 2 ? body.data : undefined;
      });
      expect(accounts.map((account) => [account.currency, account.balance.available]).sort()).toEqual([
        ['EUR', 100_000],
        ['USD', 50_000],
      ]);
    } finally {
      // npm does not pass SIGTERM on to its script, so signal the app itself, as a supervisor would.
      for (const pid of descendants(child.pid!)) process.kill(pid, 'SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('refuses to start on a bad setting with one line naming it', async () => {
    const child = spawn('npm', ['start', '--silent'], { cwd: root, env: environment({ PORT: 'not-a-port' }) });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await exitOf(child)).toBe(1);
    const lines = stderr.split('\n').filter((line) => line.trim() && !line.startsWith('npm warn'));
    expect(lines).toEqual([expect.stringContaining('PORT')]);
  });
});

/** The node processes under `pid` (npm → sh → node), excluding the embedded PostgreSQL. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([child, parent, command]) => ({ child: Number(child), parent: Number(parent), command }));
  const below = (parent: number): typeof table =>
    table.filter((row) => row.parent === parent).flatMap((row) => [row, ...below(row.child)]);
  return below(pid)
    .filter((row) => row.command === 'node')
    .map((row) => row.child);
}
