// Runs `npm run build` only when a source file is newer than the last build, so that `npm start`,
// `npm run ledger` and the benchmarks start in about a second when nothing changed.
// The stamp is written only after a build succeeded (a failed one is tried again next time), dated
// when the build began, so that a file saved during the build still counts as newer.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = join('dist', '.build-stamp');
const SOURCE_DIRS = ['apps', 'libs', 'scripts', 'bench'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
// Tests are not built (tsconfig.build.json excludes them): changing one needs no build.
const NOT_BUILT = /\.(spec|int-spec|e2e-spec)\.tsx?$/;

function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource() {
  let newest = Math.max(...SOURCE_FILES.map(mtimeOf));
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || NOT_BUILT.test(entry.name)) continue;
      const path = join(entry.parentPath ?? entry.path, entry.name);
      if (path.includes('node_modules')) continue;
      newest = Math.max(newest, mtimeOf(path));
    }
  }
  return newest;
}

if (newestSource() > mtimeOf(STAMP)) {
  const began = new Date();
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  } catch (error) {
    process.exit(error.status ?? 1);
  }
  mkdirSync('dist', { recursive: true });
  closeSync(openSync(STAMP, 'a'));
  utimesSync(STAMP, began, began);
}
