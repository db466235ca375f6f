// tsc copies no .sql files: put every migration beside its compiled code.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

for (const root of ['apps', 'libs']) {
  for (const entry of readdirSync(root, { recursive: true })) {
    if (entry.endsWith('.sql')) cpSync(join(root, entry), join('dist', root, entry));
  }
}
