/**
 * `npm start`'s prestart: brings dist/ up to date for the service only (tsconfig.build.json: main,
 * runtime, actors, http; no tests, no bench), incrementally (`tsc -b` skips an up-to-date tree in
 * ~0.2 s). After `npm ci --omit=dev` TypeScript is absent: a tree built beforehand starts as it is,
 * and one that was never built gets a sentence saying what to do instead of "tsc: not found".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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
const r = spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
