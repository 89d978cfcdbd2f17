/**
 * Builds the web page into dist/http/ui/: its TypeScript with its own tsconfig (DOM, ES modules the
 * browser loads as they are: no bundler), then index.html and style.css copied beside. Run by
 * `npm run build`, by `npm start`'s prestart (scripts/build-service.mjs) and in the image build.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'http', 'ui');
const out = path.join(root, 'dist', 'http', 'ui');
const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(src, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(out, { recursive: true });
for (const f of ['index.html', 'style.css']) copyFileSync(path.join(src, f), path.join(out, f));
