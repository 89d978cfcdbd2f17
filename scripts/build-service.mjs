/**
 * `npm start`'s prestart: brings dist/ up to date for the service only (tsconfig.build.json: main,
 * runtime, actors, http; no tests, no bench) and the web page (scripts/build-ui.mjs), incrementally. When no source, folder or tsconfig is
 * newer than the last service build, TypeScript is not even loaded (a few ms instead of ~0.2 s for
 * `tsc -b` to find the same). After `npm ci --omit=dev` TypeScript is absent: a tree built beforehand
 * starts as it is, and one that was never built gets a sentence saying what to do, not "tsc: not found".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_INFO = path.join(root, 'dist', '.tsbuildinfo-service');
const SOURCES = ['main.ts', 'runtime', 'actors', 'http', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build-ui.mjs'];

/** Newest mtime among the service's sources, the folders holding them (a file added or removed) and its configs. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  for (const s of SOURCES) visit(path.join(root, s));
  return newest;
}

const built = statSync(BUILD_INFO, { throwIfNoEntry: false });
if (built && existsSync(path.join(root, 'dist', 'main.js')) && newestSource() <= built.mtimeMs) process.exit(0);
let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (!tsc) {
  if (existsSync(path.join(root, 'dist', 'main.js'))) process.exit(0);
  process.stderr.write('logagg: dist/main.js is missing and TypeScript is not installed (production dependencies only); build once with `npm ci && npm run build:service`, then `npm start`\n');
  process.exit(1);
}
const startedAt = new Date();
let r = spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
// The web page (http/ui, its own tsconfig for the browser) is part of the service it serves.
if (r.status === 0) r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-ui.mjs')], { stdio: 'inherit', cwd: root });
// tsc leaves its build info untouched when a newer source turns out unchanged: mark the tree as built
// as of the start of this build (a source saved meanwhile stays newer and is built next time).
if (r.status === 0 && (statSync(BUILD_INFO, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < startedAt.getTime()) utimesSync(BUILD_INFO, startedAt, startedAt);
process.exit(r.status ?? 1);
