// The web console's two figures: the time from starting the ledger on a fresh data dir (embedded
// PostgreSQL initialised, migrated, demo seeded) to the console's first screen in Chromium, and the
// delay from a committed payment (its 201) to its row in the merchant's open Payments page in a
// second browser, p50/p99 over CONSOLE_BENCH_PAYMENTS payments (100). Run by `npm run bench:console`
// after the build, so the start excludes `npm start`'s own build step (reported beside it).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { browserUnavailable, launchBrowser } from './browser';
import { percentile } from './measure';

const PAYMENTS = Number(process.env.CONSOLE_BENCH_PAYMENTS ?? 100);
/** Payments go out at this pace, so that the merchant's first page (20 rows) always holds the new ones. */
const PAYMENT_INTERVAL_MS = 200;
const START_TIMEOUT_MS = 180_000;
const ALICE = 'lk_demo_alice_customer_key_0001';
const SHOP = 'lk_demo_shop_merchant_key_0003';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function eurAccount(baseUrl: string, key: string): Promise<string> {
  for (;;) {
    const response = await fetch(`${baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${key}` } });
    const accounts = response.ok ? ((await response.json()) as { data: { id: string; currency: string }[] }).data : [];
    const eur = accounts.find((account) => account.currency === 'EUR');
    if (eur) return eur.id;
    await delay(100);
  }
}

async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(baseUrl);
  await page.fill('input[name=apiKey]', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-live]');
}

async function main(): Promise<void> {
  const unavailable = browserUnavailable();
  if (unavailable) {
    console.log(`bench:console skipped: ${unavailable}`);
    return;
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-console-bench-'));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as another user
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    LEDGER_DATA_DIR: dataDir,
    LEDGER_SEED_DEMO: 'true',
    LEDGER_ADMIN_API_KEY: `bench-admin-${randomUUID()}`,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_BALANCE_PER_MIN: '0',
    RATE_LIMIT_TRANSACTIONS_PER_MIN: '0',
    RATE_LIMIT_GLOBAL_PER_MIN: '0',
    AUTH_FAILURES_PER_MIN: '0',
  };
  delete env.DATABASE_URL; // a fresh data dir: the embedded PostgreSQL, as `npm start` runs it
  const browser = await launchBrowser();
  const started = performance.now();
  const ledger = spawn(process.execPath, ['dist/apps/ledger-api/src/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  ledger.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const page = await browser.newPage();
    for (;;) {
      if (ledger.exitCode !== null) throw new Error(`the ledger exited: ${stderr.trim()}`);
      if (performance.now() - started > START_TIMEOUT_MS)
        throw new Error('the console did not answer within 3 minutes');
      try {
        await page.goto(baseUrl, { timeout: 2_000 });
        await page.waitForSelector('input[name=apiKey]', { timeout: 5_000 });
        break;
      } catch {
        await delay(50);
      }
    }
    const firstScreenMs = performance.now() - started;
    const [payer, payee] = await Promise.all([eurAccount(baseUrl, ALICE), eurAccount(baseUrl, SHOP)]);
    const signInStarted = performance.now();
    await signIn(page, baseUrl, ALICE);
    await page.waitForSelector('[data-account]');
    const accountsMs = performance.now() - signInStarted;

    // The merchant's Payments page notes when each payment's row first appears (epoch ms).
    const merchant = await (await browser.newContext()).newPage();
    await signIn(merchant, baseUrl, SHOP);
    await merchant.locator('nav').getByRole('link', { name: 'Payments received', exact: true }).click();
    await merchant.waitForSelector('text=Payments received');
    await merchant.evaluate(() => {
      const page = globalThis as unknown as {
        seen: Record<string, number>;
        document: { body: unknown; querySelectorAll(selector: string): { getAttribute(name: string): string }[] };
        MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
      };
      page.seen = {};
      new page.MutationObserver(() => {
        for (const row of page.document.querySelectorAll('[data-payment]')) {
          page.seen[row.getAttribute('data-payment')] ??= Date.now();
        }
      }).observe(page.document.body, { childList: true, subtree: true, attributes: true });
    });

    const committed = new Map<string, number>();
    for (let index = 0; index < PAYMENTS; index++) {
      const response = await fetch(`${baseUrl}/api/v1/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ALICE}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          payerAccountId: payer,
          payeeAccountId: payee,
          amount: 1,
          description: `bench ${index}`,
        }),
      });
      if (response.status !== 201) throw new Error(`payment ${index} answered ${response.status}`);
      committed.set(((await response.json()) as { id: string }).id, Date.now());
      await delay(PAYMENT_INTERVAL_MS);
    }
    const deadline = Date.now() + 30_000;
    let seen: Record<string, number> = {};
    while (Date.now() < deadline) {
      seen = await merchant.evaluate(() => (globalThis as unknown as { seen: Record<string, number> }).seen);
      if ([...committed.keys()].every((id) => seen[id] !== undefined)) break;
      await delay(200);
    }
    const delays = [...committed]
      .filter(([id]) => seen[id] !== undefined)
      .map(([id, at]) => Math.max(0, seen[id] - at));
    delays.sort((a, b) => a - b);
    const liveMode = await merchant.locator('[data-live]').getAttribute('data-live');
    console.log(
      JSON.stringify(
        {
          startToFirstScreenMs: Math.round(firstScreenMs),
          signInToAccountsMs: Math.round(accountsMs),
          payments: PAYMENTS,
          seenInSecondBrowser: delays.length,
          paymentToSecondBrowserMs: { p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays.at(-1) },
          updates: liveMode,
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    if (ledger.exitCode === null) {
      ledger.kill('SIGTERM');
      await new Promise((resolve) => ledger.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bench:console failed: ${error.message}`);
  process.exit(1);
});
