import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomPassword } from './database-roles';

/** The embedded server's passwords: its superuser's, and those of the ledger database's two roles. */
export interface EmbeddedPasswords {
  superuser: string;
  owner: string;
  app: string;
}

const PASSWORD_FILE = 'postgres-passwords.json';

/**
 * The passwords kept in `dataDir` (mode 600, beside `pg/`, which belongs to the server's user),
 * generated the first time.
 */
export function embeddedPasswords(dataDir: string): EmbeddedPasswords {
  const file = join(dataDir, PASSWORD_FILE);
  if (existsSync(file)) return parsePasswords(readFileSync(file, 'utf8'), file);
  const passwords: EmbeddedPasswords = { superuser: randomPassword(), owner: randomPassword(), app: randomPassword() };
  mkdirSync(dataDir, { recursive: true });
  // Whole or not at all: a crash mid-write must not leave a file that locks the server out.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(passwords), { mode: 0o600 });
  renameSync(partial, file);
  return passwords;
}

function parsePasswords(text: string, file: string): EmbeddedPasswords {
  const parsed: unknown = (() => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  })();
  const fields = ['superuser', 'owner', 'app'] as const;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !fields.every((field) => typeof (parsed as Record<string, unknown>)[field] === 'string')
  ) {
    throw new Error(`${file} is not a password file of this ledger (superuser, owner and app passwords)`);
  }
  return parsed as EmbeddedPasswords;
}
