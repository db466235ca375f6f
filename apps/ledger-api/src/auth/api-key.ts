import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'lk_';

/** 32 random bytes, shown once; only their hash is stored. */
export function generateApiKey(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Keys carry 256 bits of entropy, so a plain SHA-256 is enough to store them (no salt or stretching). */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}
