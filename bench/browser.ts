import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { consoleDirectory } from '../apps/ledger-api/src/console/console.module';

// Chromium for the console's browser tests (test/console) and its benchmark (bench:console).

/** Debian's Chromium, installed by .ci/run when missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The API serves the console from its build: make one when `npm test` did not (a lone `npx jest`). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(consoleDirectory(), 'index.html'))) return;
  execSync('npm run build:console --silent', { cwd: join(__dirname, '..'), stdio: 'inherit' });
}
