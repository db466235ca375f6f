import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerConfig } from '../../config/ledger-config';

export const WEBHOOK_SECRET = Symbol('WEBHOOK_SECRET');

/** BANK_WEBHOOK_SECRET, or one generated once per data directory and kept there (mode 600). */
export function resolveWebhookSecret(config: LedgerConfig): string {
  if (config.bank.webhookSecret) return config.bank.webhookSecret;
  const file = join(config.dataDir, 'bank-webhook-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
