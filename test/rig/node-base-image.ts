/**
 * Stand-ins for the `node:20-bookworm-slim` base image, for building logagg's Dockerfile against the
 * test engine without a registry. Imported under their own names (never the real image's, which a
 * shared engine may hold); the Dockerfile's NODE_IMAGE / BUILD_IMAGE build arguments point at them.
 *
 * - `ensureNodeStandin`: this machine's node binary and the shared libraries it links, its npm, a
 *   static busybox for /bin/sh, awk and friends, /etc/passwd with the `node` user (uid 1000) the real
 *   image has, and the CA bundle (npm reaches the registry through --network host). No toolchain: the
 *   runtime base, and the build base while no dependency compiles a native addon.
 * - `ensureDebianNodeStandin`: a Debian bookworm minbase (debootstrap from Debian's mirror, which this
 *   machine reaches) with the same node, npm and the node headers in /usr/local like the real image, so
 *   that the Dockerfile's own `apt-get install python3 make g++` and the native compile run as for users.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { busyboxApplets, findExecutable, imageExists } from './docker-rig.js';

export const NODE_STANDIN_IMAGE = 'logagg-test/node-standin:20';
export const DEBIAN_STANDIN_IMAGE = 'logagg-test/node-standin:20-bookworm';
const DEBIAN_MIRROR = process.env.LOGAGG_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
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

/** node in /usr/local/bin with the libraries it links (unless the root has its own), npm and npx beside it, the CA bundle. */
function stageNode(root: string, withLibraries: boolean): void {
  const to = (rel: string) => path.join(root, rel);
  mkdirSync(to('usr/local/bin'), { recursive: true });
  copyFileSync(realpathSync(process.execPath), to('usr/local/bin/node'));
  chmodSync(to('usr/local/bin/node'), 0o755);
  if (withLibraries) {
    for (const lib of sharedLibraries(process.execPath)) {
      mkdirSync(path.dirname(to(lib.slice(1))), { recursive: true });
      copyFileSync(realpathSync(lib), to(lib.slice(1)));
      chmodSync(to(lib.slice(1)), 0o755);
    }
  }
  cpSync(npmDir(), to('usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', to('usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', to('usr/local/bin/npx'));
  const ca = standinCaBundle();
  if (ca) {
    mkdirSync(path.dirname(to(ca.slice(1))), { recursive: true });
    copyFileSync(ca, to(ca.slice(1)));
    chmodSync(to(ca.slice(1)), 0o644);
  }
}

/** Lays the busybox stand-in's files out under `root`. */
function stage(root: string, busybox: string): void {
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
  stageNode(root, true);
  put('bin/busybox', busybox, 0o755);
  for (const applet of busyboxApplets(busybox).filter((a) => a !== 'busybox' && /^[\w.[\]-]+$/.test(a))) symlinkSync('busybox', path.join(root, 'bin', applet));
  dir('usr/bin');
  symlinkSync('/bin/busybox', path.join(root, 'usr/bin/env'));
  dir('etc');
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n');
  dir('tmp', 0o1777);
  dir('root', 0o700);
  dir('home/node');
  chownSync(path.join(root, 'home/node'), 1000, 1000);
}

/** Tars `root` and imports it as `image` with node's PATH. */
async function importRoot(docker: Docker, root: string, image: string): Promise<number> {
  const tar = spawnSync('tar', ['-C', root, '--numeric-owner', '-cf', '-', '.'], { maxBuffer: 2 * 1024 * 1024 * 1024 });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr?.toString() || tar.error?.message}`);
  const [repo, tag] = image.split(':') as [string, string];
  const stream = await docker.importImage(Readable.from([tar.stdout]), {
    repo,
    tag,
    changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["node"]'],
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const bad = err?.message ?? out.find((o) => o.error)?.error;
      return bad ? reject(new Error(`stand-in import failed: ${bad}`)) : resolve();
    }),
  );
  return tar.stdout.length;
}

/** Builds a root in a fresh temp dir, imports it, removes the dir; returns the ms spent (0 when the image was there). */
async function ensureImported(docker: Docker, image: string, build: (root: string) => void | Promise<void>, what: string, log: (m: string) => void): Promise<number> {
  if (await imageExists(docker, image)) return 0;
  const t0 = Date.now();
  const root = mkdtempSync(path.join(os.tmpdir(), 'logagg-node-standin-'));
  try {
    chmodSync(root, 0o755); // mkdtemp makes it 0700: the image's / would be closed to the node user
    await build(root);
    const bytes = await importRoot(docker, root, image);
    const ms = Date.now() - t0;
    log(`imported ${image} (${(bytes / 1048576).toFixed(0)} MiB: ${what}) in ${ms} ms`);
    return ms;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Imports the busybox stand-in when the engine lacks it; returns the ms spent (0 when it was there). */
export function ensureNodeStandin(docker: Docker, busybox: string, log: (m: string) => void): Promise<number> {
  return ensureImported(docker, NODE_STANDIN_IMAGE, (root) => stage(root, busybox), `node ${process.version}, npm, busybox`, log);
}

/**
 * Imports the Debian stand-in when the engine lacks it: debootstrap (installed with apt-get when
 * missing) of bookworm minbase, apt caches emptied as in debian:bookworm-slim, then node, npm, the node
 * headers (/usr/local/include/node, for node-gyp without a download) and the `node` user.
 */
export function ensureDebianNodeStandin(docker: Docker, log: (m: string) => void): Promise<number> {
  return ensureImported(
    docker,
    DEBIAN_STANDIN_IMAGE,
    (root) => {
      if (!findExecutable('debootstrap')) {
        const apt = (...args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
        // A fresh machine may have no package lists yet: update once and try again.
        let r = apt('install', '-y', 'debootstrap');
        if (r.status !== 0 && apt('update').status === 0) r = apt('install', '-y', 'debootstrap');
        if (r.status !== 0) throw new Error(`apt-get install debootstrap failed: ${r.stderr || r.error?.message}`);
      }
      const r = spawnSync('debootstrap', ['--variant=minbase', 'bookworm', root, DEBIAN_MIRROR], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`debootstrap failed (exit ${r.status}): ${(r.stderr || r.stdout || r.error?.message || '').slice(-2000)}`);
      for (const d of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
        for (const f of readdirSync(path.join(root, d))) if (f !== 'partial' && f !== 'lock') rmSync(path.join(root, d, f), { recursive: true, force: true });
      }
      stageNode(root, false);
      const headers = nodeHeaders();
      if (headers) cpSync(headers, path.join(root, 'usr/local/include/node'), { recursive: true, dereference: true });
      appendFileSync(path.join(root, 'etc/passwd'), 'node:x:1000:1000::/home/node:/bin/sh\n');
      appendFileSync(path.join(root, 'etc/group'), 'node:x:1000:\n');
      mkdirSync(path.join(root, 'home/node'), { recursive: true });
      chownSync(path.join(root, 'home/node'), 1000, 1000);
    },
    `Debian bookworm minbase, node ${process.version}, npm, node headers`,
    log,
  );
}

/** This node's C headers (include/node beside its prefix, or the distribution's /usr/include/node) when their version matches. */
function nodeHeaders(): string | undefined {
  const prefix = path.resolve(path.dirname(realpathSync(process.execPath)), '..');
  for (const dir of [path.join(prefix, 'include', 'node'), '/usr/include/node', '/usr/local/include/node']) {
    try {
      const h = readFileSync(path.join(dir, 'node_version.h'), 'utf8');
      const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => new RegExp(`define NODE_${k}_VERSION (\\d+)`).exec(h)?.[1]).join('.');
      if (`v${v}` === process.version) return dir;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
