/**
 * A stand-in for the `node:20-bookworm-slim` base image, for building logagg's Dockerfile against the
 * test engine without a registry: this machine's node binary and the shared libraries it links, its npm,
 * a static busybox for /bin/sh, awk and friends, /etc/passwd with the `node` user (uid 1000) the real
 * image has, and the CA bundle (npm reaches the registry through --network host during the build).
 * It is imported under its own name (never the real image's, which a shared engine may hold) and the
 * Dockerfile's NODE_IMAGE / BUILD_IMAGE build arguments point at it. It has no compiler toolchain.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { busyboxApplets, imageExists } from './docker-rig.js';

export const NODE_STANDIN_IMAGE = 'logagg-test/node-standin:20';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The CA bundle inside the stand-in, for NODE_EXTRA_CA_CERTS; undefined when this machine has none. */
export function standinCaBundle(): string | undefined {
  return existsSync(CA_BUNDLE) ? CA_BUNDLE : undefined;
}

/** Shared libraries (and the loader) `ldd` lists for a binary, as absolute paths. */
function sharedLibraries(binary: string): string[] {
  const r = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ldd ${binary} failed: ${r.stderr || r.error?.message}`);
  const libs = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]!);
  }
  return [...libs];
}

/** npm's package directory next to this node (prefix/lib/node_modules/npm). */
function npmDir(): string {
  const prefix = path.resolve(path.dirname(realpathSync(process.execPath)), '..');
  for (const dir of [path.join(prefix, 'lib', 'node_modules', 'npm'), '/usr/local/lib/node_modules/npm', '/usr/lib/node_modules/npm', '/usr/share/nodejs/npm']) {
    if (existsSync(path.join(dir, 'bin', 'npm-cli.js'))) return dir;
  }
  throw new Error(`npm not found next to ${process.execPath}`);
}

/** Lays the stand-in's files out under `root`. */
function stage(root: string, busybox: string): void {
  chmodSync(root, 0o755); // mkdtemp makes it 0700: the image's / would be closed to the node user
  const put = (rel: string, from: string, mode?: number): void => {
    const to = path.join(root, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
    if (mode !== undefined) chmodSync(to, mode);
  };
  const dir = (rel: string, mode = 0o755): void => {
    mkdirSync(path.join(root, rel), { recursive: true });
    chmodSync(path.join(root, rel), mode);
  };
  put('usr/local/bin/node', realpathSync(process.execPath), 0o755);
  for (const lib of sharedLibraries(process.execPath)) put(lib.slice(1), realpathSync(lib), 0o755);
  cpSync(npmDir(), path.join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(root, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(root, 'usr/local/bin/npx'));
  put('bin/busybox', busybox, 0o755);
  for (const applet of busyboxApplets(busybox).filter((a) => a !== 'busybox' && /^[\w.[\]-]+$/.test(a))) symlinkSync('busybox', path.join(root, 'bin', applet));
  dir('usr/bin');
  symlinkSync('/bin/busybox', path.join(root, 'usr/bin/env'));
  dir('etc');
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n');
  if (standinCaBundle()) put(CA_BUNDLE.slice(1), CA_BUNDLE, 0o644);
  dir('tmp', 0o1777);
  dir('root', 0o700);
  dir('home/node');
  chownSync(path.join(root, 'home/node'), 1000, 1000);
}

/** Imports the stand-in when the engine lacks it; returns the ms spent (0 when it was there). */
export async function ensureNodeStandin(docker: Docker, busybox: string, log: (m: string) => void): Promise<number> {
  if (await imageExists(docker, NODE_STANDIN_IMAGE)) return 0;
  const t0 = Date.now();
  const root = mkdtempSync(path.join(os.tmpdir(), 'logagg-node-standin-'));
  try {
    stage(root, busybox);
    const tar = spawnSync('tar', ['-C', root, '--numeric-owner', '-cf', '-', '.'], { maxBuffer: 1024 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr?.toString() || tar.error?.message}`);
    const [repo, tag] = NODE_STANDIN_IMAGE.split(':') as [string, string];
    const stream = await docker.importImage(Readable.from([tar.stdout]), {
      repo,
      tag,
      changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'CMD ["node"]'],
    });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const bad = err?.message ?? out.find((o) => o.error)?.error;
        return bad ? reject(new Error(`stand-in import failed: ${bad}`)) : resolve();
      }),
    );
    const ms = Date.now() - t0;
    log(`imported ${NODE_STANDIN_IMAGE} (${(tar.stdout.length / 1048576).toFixed(0)} MiB: node ${process.version}, npm, busybox) in ${ms} ms`);
    return ms;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
