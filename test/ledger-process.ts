import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './eventually';
import { NO_RATE_LIMITS } from './ledger-app';

export interface LedgerProcess {
  /** SIGKILL to the whole group (npm, node and its embedded PostgreSQL): no shutdown hooks run. */
  kill(): void;
}

/** `npm start` as a user would run it, on `port`, with `env` over the test's environment. */
export async function startLedgerProcess(port: number, env: Record<string, string>): Promise<LedgerProcess> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: join(__dirname, '..'),
    env: {
      ...process.env,
      PORT: String(port),
      LEDGER_SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...NO_RATE_LIMITS,
      ...env,
    },
    stdio: 'ignore',
    detached: true,
  });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 90_000);
  return { kill: () => process.kill(-child.pid!, 'SIGKILL') };
}
