// tsc copies no .sql files: put every migration beside its compiled code, and remove any the
// sources no longer have (a renamed or merged migration must not run from an earlier build).
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

for (const root of ['apps', 'libs']) {
  const built = join('dist', root);
  if (existsSync(built)) {
    for (const entry of readdirSync(built, { recursive: true })) {
      if (entry.endsWith('.sql') && !existsSync(join(root, entry))) rmSync(join(built, entry));
    }
  }
  for (const entry of readdirSync(root, { recursive: true })) {
    if (entry.endsWith('.sql')) cpSync(join(root, entry), join('dist', root, entry));
  }
}
