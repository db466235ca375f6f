import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './measure';
import { Round } from './round-robin';

const run = promisify(execFile);

/** Whether pgbench is on PATH (a fresh machine has none, and the embedded PostgreSQL ships none). */
export function pgbenchAvailable(): Promise<boolean> {
  return run('pgbench', ['--version']).then(
    () => true,
    () => false,
  );
}

/**
 * One round of pgbench running a one-INSERT script into `table` from `connections` clients; the
 * latencies come from its per-transaction log (microseconds, the third field of each line).
 */
export async function pgbenchInsertRound(
  url: string,
  table: string,
  connections: number,
  seconds: number,
): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-pgbench-'));
  const whole = Math.max(1, Math.round(seconds));
  try {
    const script = join(dir, 'insert.sql');
    writeFileSync(script, `INSERT INTO ${table} (id, amount) VALUES (gen_random_uuid(), 1);\n`);
    const log = join(dir, 'transactions');
    const { stdout } = await run('pgbench', [
      '--no-vacuum',
      `--file=${script}`,
      `--client=${connections}`,
      '--jobs=2',
      `--time=${whole}`,
      '--log',
      `--log-prefix=${log}`,
      url,
    ]);
    const latencies = readdirSync(dir)
      .filter((name) => name.startsWith('transactions'))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
      .map((line) => Number(line.split(' ')[2]) / 1000)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    // pgbench's clock includes opening its connections (over a second for 64 on a loaded machine);
    // its tps without them matches the pg loop, which opens its connections before the round.
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
    return {
      payments: latencies.length,
      seconds: tps > 0 ? latencies.length / tps : whole,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failures: Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
