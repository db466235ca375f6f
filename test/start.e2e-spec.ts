import { freePort, processIsAlive } from '@ledger/database';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
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
    delete env.LEDGER_SEED_DEMO;
    return env;
  };

  const exitOf = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  /** `npm start` as a person runs it, its output kept. */
  const npmStart = (dataDir: string, port: number) => {
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: environment({ PORT: String(port), LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.resume();
    return { child, exited: exitOf(child), stdout: () => stdout };
  };

  it('says where to begin, then stops with its embedded PostgreSQL on SIGTERM to npm, leaving no process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-start-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = npmStart(dataDir, port);
    let tree: number[];
    try {
      await eventually(async () => (await fetch(`${base}/health`)).status === 200, 90_000);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

      // npm start seeds the demo ledger of CREDENTIALS.md.
      const alice = { authorization: 'Bearer lk_demo_alice_customer_key_0001' };
      const accounts = await eventually(async () => {
        const response = await fetch(`${base}/api/v1/accounts`, { headers: alice });
        const body = (await response.json()) as { data?: { currency: string; balance: { available: number } }[] };
        return body.data?.length === 2 ? body.data : undefined;
      });
      expect(accounts.map((account) => [account.currency, account.balance.available]).sort()).toEqual([
        ['EUR', 100_000],
        ['USD', 50_000],
      ]);

      const output = await eventually(async () => first.stdout().includes('Admin API key') && first.stdout());
      expect(output).toContain(`Ledger API ready at ${base}\n`);
      expect(output).toContain(`${base}/docs`);
      expect(output).toContain('CREDENTIALS.md');
      expect(output).toContain('Seeded the demo users');
      // Nest's route mappings and module lines are debug, not info.
      expect(output).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader/);
      // The banner comes last, after the start-up log lines.
      expect(output.indexOf('Ledger API listening')).toBeLessThan(output.indexOf('Ledger API ready'));

      tree = processTree(first.child.pid!);
      expect(tree.length).toBeGreaterThanOrEqual(3); // npm, node, postgres (and its workers)
    } finally {
      // What a supervisor does: signal the process it started, npm.
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
    expect(tree.filter(processIsAlive)).toEqual([]);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // Started again on the same data: nothing to seed, so nothing said about it.
    const second = npmStart(dataDir, port);
    try {
      await eventually(async () => second.stdout().includes('Admin API key'), 90_000);
      expect(second.stdout()).not.toContain('Seeded');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  });

  it('refuses to start on a bad setting with one line naming it and its rule', async () => {
    const child = spawn('npm', ['start', '--silent'], { cwd: root, env: environment({ PORT: 'not-a-port' }) });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await exitOf(child)).toBe(1);
    const lines = stderr.split('\n').filter((line) => line.trim() && !line.startsWith('npm warn'));
    expect(lines).toEqual(['Invalid configuration: PORT must be an integer from 1 to 65535']);
  });
});

/** `pid` and every process under it (npm → node → postgres and its workers). */
function processTree(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const below = (parent: number): number[] =>
    table.filter(([, ppid]) => ppid === parent).flatMap(([child]) => [child, ...below(child)]);
  return [pid, ...below(pid)];
}
