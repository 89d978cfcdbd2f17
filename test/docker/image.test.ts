/**
 * The Dockerfile, built against the test engine and run as users run it: the socket mounted read-only,
 * a read-only root filesystem with the data volume, a non-default port. The base image is a stand-in
 * made from this machine's node (test/rig/node-base-image.ts); the build reaches the npm registry with
 * --network host. The slowest suite (a full image build); it runs in CI like the others.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { findExecutable, findStaticBusybox, parseDockerHost, TEST_LABEL, TEST_RUN_LABEL } from '../rig/docker-rig.js';
import { DEBIAN_STANDIN_IMAGE, ensureDebianNodeStandin, ensureNodeStandin, NODE_STANDIN_IMAGE, standinCaBundle } from '../rig/node-base-image.js';
import { dockerLogs, removeTestContainers, requireEngine, rigDocker, RUN_ID, runContainer, waitFor } from '../rig/rig-client.js';
import { request } from '../support/http-client.js';
import { freePort, ROOT } from '../support/service-process.js';

const test = suite('docker image');

const IMAGE = `logagg-test/logagg:${RUN_ID.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`;
const VOLUME = `logagg-test-data-${RUN_ID.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`;
const log = (m: string): void => void process.stdout.write(`[image] ${m}\n`);

/**
 * Production dependencies whose install compiles a native addon (node-gyp, prebuild-install), from the
 * lock file: with any, the build stage needs its toolchain, and the test builds on the Debian stand-in
 * where the Dockerfile's own apt-get installs it. LOGAGG_IMAGE_TOOLCHAIN=1 takes that path regardless.
 */
function nativeDependencies(): string[] {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean; hasInstallScript?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([where, p]) => where.startsWith('node_modules/') && p.hasInstallScript && !p.dev && !p.optional)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .filter((name) => {
      const install = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.install ?? '';
      return /node-gyp|prebuild-install|node-pre-gyp/.test(install);
    });
}

/** `docker build` with the classic builder (as the engine's API offers it), applying .dockerignore like any user's CLI. */
function dockerBuild(args: string[]): Promise<{ code: number; output: string }> {
  const cli = findExecutable('docker');
  if (!cli) throw new Error('the docker CLI is missing (it comes with docker.io)');
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['build', ...args, ROOT], {
      cwd: ROOT,
      env: { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface RunOptions {
  port: number;
  env?: string[];
  user?: string;
  groupAdd?: string[];
  name: string;
}

/** The image as compose runs it: socket read-only, read-only root, the data volume, host network (no bridge on the test engine). */
async function runImage(socketPath: string, opts: RunOptions): Promise<Docker.Container> {
  const c = await rigDocker().createContainer({
    Image: IMAGE,
    name: opts.name,
    Env: [`LOG_AGGREGATOR_PORT=${opts.port}`, 'LOG_AGGREGATOR_HOST=127.0.0.1', ...(opts.env ?? [])],
    Labels: { 'logagg.enable': 'false', [TEST_LABEL]: '1', [TEST_RUN_LABEL]: RUN_ID },
    ...(opts.user ? { User: opts.user } : {}),
    // The image's own check (Test inherited), probed every second instead of every 30 s.
    Healthcheck: { Interval: 1e9, Timeout: 5e9, Retries: 3, StartPeriod: 20e9 } as Docker.HealthConfig,
    StopTimeout: 10,
    HostConfig: {
      NetworkMode: 'host',
      ReadonlyRootfs: true,
      Binds: [`${socketPath}:/var/run/docker.sock:ro`],
      Mounts: [{ Type: 'volume', Source: VOLUME, Target: '/data' }],
      ...(opts.groupAdd ? { GroupAdd: opts.groupAdd } : {}),
      LogConfig: { Type: 'json-file', Config: {} },
    },
  });
  await c.start();
  return c;
}

async function output(c: Docker.Container): Promise<string> {
  const logs = await dockerLogs(c.id);
  return [...logs.stdout, ...logs.stderr].join('\n');
}

/** The `Uid:` and `Groups:` lines of the container's main process, from this machine's /proc. */
async function processIds(c: Docker.Container): Promise<{ uid: number; groups: number[] }> {
  const pid = (await c.inspect()).State.Pid;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
  const groups = (/^Groups:\s*(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return { uid, groups };
}

if (requireEngine(test)) {
  const spec = parseDockerHost(process.env.DOCKER_HOST!);
  let socketGid = -1;
  const native = nativeDependencies();
  let built = false;

  const suiteStart = Date.now();
  test.after(async () => {
    log(`image suite took ${Date.now() - suiteStart} ms`);
    await removeTestContainers();
    const d = rigDocker();
    await d.getVolume(VOLUME).remove().catch(() => undefined);
    await d.getImage(IMAGE).remove({ force: true }).catch(() => undefined);
  });

  test('the image builds from the Dockerfile: multi-stage, .dockerignore, no tests or dev dependencies', async () => {
    assert.ok(spec.socketPath, `the image test mounts the engine's unix socket; DOCKER_HOST is ${spec.url}`);
    const busybox = findStaticBusybox();
    assert.ok(busybox, 'a static busybox (busybox-static) is needed for the stand-in base image');
    const d = rigDocker();
    await ensureNodeStandin(d, busybox, log);
    const toolchain = native.length > 0 || process.env.LOGAGG_IMAGE_TOOLCHAIN === '1';
    if (toolchain) await ensureDebianNodeStandin(d, log);
    log(native.length ? `native addons to compile in the build stage: ${native.join(', ')}` : 'no native addon among the production dependencies');
    socketGid = statSync(spec.socketPath).gid;
    const ca = standinCaBundle();
    const t0 = Date.now();
    const r = await dockerBuild([
      '--network', 'host',
      '--build-arg', `NODE_IMAGE=${NODE_STANDIN_IMAGE}`,
      '--build-arg', `BUILD_IMAGE=${toolchain ? DEBIAN_STANDIN_IMAGE : NODE_STANDIN_IMAGE}`,
      '--build-arg', `INSTALL_TOOLCHAIN=${toolchain ? 1 : 0}`,
      '--build-arg', `DOCKER_GID=${socketGid}`,
      ...(ca ? ['--build-arg', `NODE_EXTRA_CA_CERTS=${ca}`] : []),
      '-t', IMAGE,
    ]);
    const buildMs = Date.now() - t0;
    assert.is(r.code, 0, `docker build failed:\n${r.output.slice(-4000)}`);
    built = true;
    const context = /Sending build context to Docker daemon\s+([\d.]+\s*\w+)/.exec(r.output)?.[1];
    const info = await d.getImage(IMAGE).inspect();
    log(`built ${IMAGE} in ${buildMs} ms; context ${context ?? '?'}; image ${(info.Size / 1048576).toFixed(1)} MiB (stand-in base ${((await d.getImage(NODE_STANDIN_IMAGE).inspect()).Size / 1048576).toFixed(1)} MiB)`);
    assert.is(info.Config.User, 'node');
    assert.ok(info.Config.Healthcheck?.Test?.join(' ').includes('dist/healthcheck.mjs'), JSON.stringify(info.Config.Healthcheck));
    // Sources only: what .dockerignore lets in, plus tar's headers; node_modules, dist, tests, docs stay out.
    const sources = admittedBytes();
    const sent = contextBytes(context);
    // A tar entry is a 512-byte header and its data padded to 512 bytes: at most 1 KiB over each file.
    const bound = sources.bytes + 1024 * sources.files + 64 * 1024;
    assert.ok(sent !== undefined && sent <= bound, `the build context should be the sources only (${sources.files} files, ${(sources.bytes / 1048576).toFixed(2)} MiB), was ${context}`);

    // What ships: the compiled service and production dependencies; no tests, bench, sources, TypeScript, git.
    const check = await rigDocker().createContainer({
      Image: IMAGE,
      Cmd: ['node', '-e', `const fs=require('fs');console.log(JSON.stringify({uid:process.getuid(),test:fs.existsSync('dist/test'),bench:fs.existsSync('dist/test/bench'),ts:fs.existsSync('node_modules/typescript'),uvu:fs.existsSync('node_modules/uvu'),src:fs.existsSync('actors'),git:fs.existsSync('.git'),main:fs.existsSync('dist/main.js'),health:fs.existsSync('dist/healthcheck.mjs'),buildinfo:fs.readdirSync('dist').filter(f=>f.includes('tsbuildinfo')).length,dataOwner:fs.statSync('/data').uid,gpp:fs.existsSync('/usr/bin/g++'),groups:require('child_process').execSync('id -G').toString().trim(),native:${JSON.stringify(native)}.filter(n=>{try{require(n);return false}catch(e){console.error(e.message);return true}})}))`],
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: RUN_ID },
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'json-file', Config: {} } },
    });
    await check.start();
    await check.wait();
    const facts = JSON.parse((await dockerLogs(check.id)).stdout.join('')) as Record<string, unknown>;
    assert.equal(
      { ...facts, groups: undefined },
      { uid: 1000, test: false, bench: false, ts: false, uvu: false, src: false, git: false, main: true, health: true, buildinfo: 0, dataOwner: 1000, gpp: false, groups: undefined, native: [] },
      `facts of the image (native: addons that do not load): ${(await dockerLogs(check.id)).stderr.join('\n')}`,
    );
    assert.ok(String(facts.groups).split(' ').includes(String(socketGid)), `user node joins the socket's group ${socketGid} (DOCKER_GID): id -G = ${facts.groups}`);
  });

  test('runs as node with the socket read-only, turns healthy on a non-default port, collects another container', async () => {
    assert.ok(built, 'the image was not built');
    const port = await freePort();
    const marker = `image-test-${RUN_ID}`;
    const source = await runContainer({ script: `echo "${marker} hello from a neighbour"; sleep 300`, name: `lg-image-src-${Date.now().toString(36)}` });
    const srcName = (await source.inspect()).Name.replace(/^\//, '');
    const c = await runImage(spec.socketPath!, { port, name: `lg-image-svc-${Date.now().toString(36)}`, env: [`INCLUDE_CONTAINERS=${srcName}`] });
    const t0 = Date.now();
    try {
      await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', { timeoutMs: 60_000, intervalMs: 250, what: 'the HEALTHCHECK to report healthy' });
    } catch (e) {
      throw new Error(`${(e as Error).message}\nhealth: ${JSON.stringify((await c.inspect()).State.Health)}\nlogs:\n${await output(c)}`);
    }
    log(`healthy on port ${port} after ${Date.now() - t0} ms`);
    const ids = await processIds(c);
    assert.is(ids.uid, 1000, 'the service runs as uid 1000 (node), not root');
    assert.ok(ids.groups.includes(socketGid), `groups ${ids.groups} include the socket's ${socketGid}`);
    assert.equal((await request(port, '/health/live')).body, { status: 'alive' });
    const health = await request(port, '/health');
    assert.is(health.status, 200, JSON.stringify(health.body));
    const found = await waitFor(
      async () => {
        const r = await request(port, `/logs?search=${encodeURIComponent(marker)}`);
        return r.body?.logs?.length ? r.body.logs : undefined;
      },
      { timeoutMs: 20_000, what: "the neighbour's line in /logs" },
    );
    assert.is(found[0].container_name, srcName);
    assert.is(found[0].message, `${marker} hello from a neighbour`);
    // The store lives in the volume: /data belongs to the service's user, though the root is read-only.
    const text = await output(c);
    assert.match(text, /store: \/data open/);
    assert.match(text, new RegExp(`following container ${srcName}`));
    // Killed, not stopped: what was committed is there for the next container on the same volume.
    await c.kill({ signal: 'SIGKILL' });
    await c.remove({ force: true });
    await source.remove({ force: true });
    const port2 = await freePort();
    const again = await runImage(spec.socketPath!, { port: port2, name: `lg-image-svc2-${Date.now().toString(36)}`, env: [`INCLUDE_CONTAINERS=${srcName}`] });
    const kept = await waitFor(
      async () => {
        const r = await request(port2, `/logs?search=${encodeURIComponent(marker)}`).catch(() => undefined);
        return r?.body?.logs?.length ? r.body.logs : undefined;
      },
      { timeoutMs: 30_000, what: "the neighbour's line after a SIGKILL and a new container on the same volume" },
    );
    assert.is(kept.length, 1, 'kept once');
    await again.remove({ force: true });
  });

  test('a user without the socket group gets a clear error naming the GID; compose group_add fixes it', async () => {
    assert.ok(built, 'the image was not built');
    // uid 1001 has no /etc/group entries: as if the image had been built with another DOCKER_GID.
    const port = await freePort();
    // STORAGE=memory: the volume belongs to uid 1000, and this is about the socket.
    const denied = await runImage(spec.socketPath!, { port, user: '1001:1001', env: ['STORAGE=memory'], name: `lg-image-denied-${Date.now().toString(36)}` });
    const hint = await waitFor(async () => /permission denied on the Docker socket[^\n]*/.exec(await output(denied))?.[0], { timeoutMs: 20_000, what: 'the permission hint' });
    assert.match(hint, `group ${socketGid}`);
    assert.match(hint, `group_add: ["${socketGid}"]`);
    assert.match(hint, `--build-arg DOCKER_GID=${socketGid}`);
    assert.not.match(await output(denied), /connection lost/);
    await waitFor(async () => (await request(port, '/health/live')).status === 200, { what: '/health/live while degraded' });
    assert.is((await request(port, '/health')).status, 503, 'degraded without Docker');
    await denied.remove({ force: true });

    const port2 = await freePort();
    const added = await runImage(spec.socketPath!, { port: port2, user: '1001:1001', env: ['STORAGE=memory'], groupAdd: [String(socketGid)], name: `lg-image-added-${Date.now().toString(36)}` });
    await waitFor(async () => (await request(port2, '/health')).status === 200, { timeoutMs: 20_000, what: '/health 200 with group_add' });
    await added.remove({ force: true });
  });
}

test.run();

/** Bytes of the files the .dockerignore lets into the build context (its `!` lines: files and `dir/**`). */
function admittedBytes(): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p)) walk(path.join(p, f));
    else {
      bytes += st.size;
      files++;
    }
  };
  for (const line of readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n')) {
    const m = /^!(.+?)(\/\*\*)?$/.exec(line.trim());
    if (m) walk(path.join(ROOT, m[1]!));
  }
  return { bytes, files };
}

/** `1.007MB`, `845.2kB`, `12B` (docker build's "Sending build context") in bytes. */
function contextBytes(text: string | undefined): number | undefined {
  const m = /^([\d.]+)\s*([kMG]?B)$/.exec(text ?? '');
  if (!m) return undefined;
  return Number(m[1]) * ({ B: 1, kB: 1000, MB: 1e6, GB: 1e9 } as Record<string, number>)[m[2]!]!;
}
