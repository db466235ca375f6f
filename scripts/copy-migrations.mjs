// tsc copies no .sql files: put each library's migrations beside its compiled code.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

for (const entry of readdirSync('libs', { recursive: true })) {
  if (entry.endsWith('.sql')) cpSync(join('libs', entry), join('dist', 'libs', entry));
}
