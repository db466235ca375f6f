import { createHash } from 'node:crypto';
import { QueryConfig } from 'pg';

const names = new Map<string, string>();

/**
 * A query PostgreSQL parses and plans once per connection, then only executes: a named prepared
 * statement, named after its text. For the statements every request or batch runs (measured on
 * 2 cores: about a third less CPU per query for a lateral join).
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `ledger_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values };
}
