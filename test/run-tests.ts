/**
 * `npm test` entry (compiled to dist/test/run-tests.js).
 *
 * 1. refuses `.only` in CI;
 * 2. gets a Docker engine + test image from the rig (test/rig/docker-rig.ts);
 *    - CI=true and no engine: loud failure, exit 1;
 *    - otherwise without an engine: loud warning, tests under test/docker/ are not run;
 * 3. writes the rig state to the JSON file named by LOGAGG_RIG_STATE and runs uvu in a child
 *    process with DOCKER_HOST, LOGAGG_TEST_IMAGE, LOGAGG_TEST_RUN_ID set, streaming its output;
 * 4. always tears the rig down (also on SIGINT/SIGTERM/SIGHUP);
 * 5. prints `N passed, M failed` as the very last line and exits non-zero if anything failed,
 *    nothing ran, uvu crashed, or (CI) anything was skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureEngine, TEST_IMAGE, type RigInfo } from './rig/docker-rig.js';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // <root>/dist/test
const ROOT = path.resolve(HERE, '..', '..');
const DIST_TEST = HERE;
const SRC_TEST = path.join(ROOT, 'test');
const UVU_BIN = path.join(ROOT, 'node_modules', 'uvu', 'bin.js');
const WATCHDOG = path.join(HERE, 'rig', 'watchdog.js');
const TEST_FILE = /\.test\.js$/;
const DOCKER_DIR = 'docker';
const TIMEOUT_MS = Number(process.env.LOGAGG_TEST_TIMEOUT_MS || 30 * 60_000);
const EXIT_GRACE_MS = 15_000;

function isCI(): boolean {
  const v = (process.env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false' && v !== 'no';
}
const CI = isCI();

const say = (msg: string): void => {
  process.stdout.write(`${msg}\n`);
};
function banner(title: string, body: string): void {
  const bar = '#'.repeat(78);
  say(`\n${bar}\n### ${title}\n${body.split('\n').map((l) => `### ${l}`).join('\n')}\n${bar}\n`);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const stripAnsi = (s: string): string => s.replace(ANSI, '');

function walk(dir: string, rel = ''): string[] {
  let out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out = out.concat(walk(path.join(dir, e.name), r));
    else out.push(r);
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `x.only(` calls with a literal test name in the compiled test files. */
function findOnly(files: string[]): string[] {
  const hits: string[] = [];
  const re = /\b[\w$]+\.only\s*\(\s*['"`]/;
  for (const f of files) {
    const lines = readFileSync(path.join(DIST_TEST, f), 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (re.test(l)) hits.push(`dist/test/${f}:${i + 1}: ${l.trim()}`);
    });
  }
  return hits;
}

interface UvuResult {
  total?: number;
  passed?: number;
  skipped?: number;
  marksPassed: number;
  marksFailed: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  killedAfterSummary: boolean;
  timedOut: boolean;
  exitedEarly: boolean;
}

let child: import('node:child_process').ChildProcess | undefined;

function runUvu(args: string[], env: NodeJS.ProcessEnv): Promise<UvuResult> {
  return new Promise((resolve) => {
    const res: UvuResult = {
      marksPassed: 0,
      marksFailed: 0,
      exitCode: null,
      signal: null,
      killedAfterSummary: false,
      timedOut: false,
      exitedEarly: false,
    };
    let tail = '';
    let sawSummary = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const p = spawn(process.execPath, ['--import', pathToFileURL(WATCHDOG).href, UVU_BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = p;
    const timeout = setTimeout(() => {
      res.timedOut = true;
      say(`\n[run-tests] uvu still running after ${TIMEOUT_MS} ms: killing it`);
      p.kill('SIGKILL');
    }, TIMEOUT_MS);
    const onText = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      to.write(chunk);
      const text = stripAnsi(chunk.toString('utf8'));
      for (const ch of text) {
        if (ch === '•') res.marksPassed++;
        else if (ch === '✘') res.marksFailed++;
      }
      tail = (tail + text).slice(-256 * 1024);
      if (/Exiting early before testing is finished/.test(text)) res.exitedEarly = true;
      if (!sawSummary && /\n\s*Duration:\s+\S+/.test(tail) && /\n\s*Total:\s+\d+/.test(tail)) {
        sawSummary = true;
        graceTimer = setTimeout(() => {
          res.killedAfterSummary = true;
          say(`\n[run-tests] WARNING: uvu printed its summary but did not exit within ${EXIT_GRACE_MS} ms (open handles left by a test?); killing it`);
          p.kill('SIGKILL');
        }, EXIT_GRACE_MS);
      }
    };
    // stdio[1] and stdio[2] are 'pipe', so both streams exist.
    p.stdout!.on('data', (c: Buffer) => onText(c, process.stdout));
    p.stderr!.on('data', (c: Buffer) => onText(c, process.stderr));
    p.on('error', (e) => {
      say(`[run-tests] could not start uvu: ${e.message}`);
    });
    p.on('close', (code, sig) => {
      clearTimeout(timeout);
      if (graceTimer) clearTimeout(graceTimer);
      child = undefined;
      res.exitCode = code;
      res.signal = sig;
      const summaries = [...tail.matchAll(/Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)/g)];
      const last = summaries[summaries.length - 1];
      if (last) {
        res.total = Number(last[1]);
        res.passed = Number(last[2]);
        res.skipped = Number(last[3]);
      }
      resolve(res);
    });
  });
}

let rig: RigInfo | undefined;
let enginePromise: Promise<RigInfo> | undefined;
let stateFile: string | undefined;
let tearingDown: Promise<void> | undefined;

function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    if (!rig && enginePromise) rig = await enginePromise.catch(() => undefined);
    if (rig) {
      try {
        await rig.stop();
      } catch (e) {
        say(`[run-tests] WARNING: rig teardown failed: ${(e as Error).message}`);
      }
    }
    if (stateFile) rmSync(stateFile, { force: true });
  })();
  return tearingDown;
}

let signalled = false;
function onSignal(sig: NodeJS.Signals): void {
  const code = 128 + (os.constants.signals[sig] ?? 1);
  if (signalled) {
    say(`[run-tests] ${sig} again: exiting without waiting for teardown`);
    process.exit(code);
  }
  signalled = true;
  say(`\n[run-tests] ${sig}: stopping tests and tearing the rig down…`);
  const c = child;
  if (c && c.exitCode === null) c.kill('SIGTERM');
  const killTimer = setTimeout(() => child?.kill('SIGKILL'), 5000);
  void teardown().finally(() => {
    clearTimeout(killTimer);
    child?.kill('SIGKILL');
    say('0 passed, 1 failed');
    process.exit(code);
  });
}

async function main(): Promise<number> {
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => onSignal(s));
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const problems: string[] = [];

  if (!existsSync(UVU_BIN)) {
    banner('TEST RUNNER BROKEN', `uvu not found at ${UVU_BIN} (run npm ci)`);
    say('0 passed, 1 failed');
    return 1;
  }

  // Compiled test files, minus stale ones whose source is gone (tsc never deletes outputs).
  const compiled = walk(DIST_TEST).filter((f) => TEST_FILE.test(f));
  const stale = compiled.filter((f) => !existsSync(path.join(SRC_TEST, f.replace(/\.js$/, '.ts'))));
  const ignores = stale.map((f) => `^${escapeRe(f)}$`);
  if (stale.length) say(`[run-tests] ignoring stale compiled tests without a source: ${stale.join(', ')}`);
  const live = compiled.filter((f) => !stale.includes(f));

  const only = findOnly(live);
  if (only.length) {
    if (CI) {
      banner('.only IS NOT ALLOWED IN CI', only.join('\n'));
      say('0 passed, 1 failed');
      return 1;
    }
    banner('WARNING: .only in tests (this would fail under CI=true)', only.join('\n'));
  }

  let unavailable: string | undefined;
  const t0 = Date.now();
  try {
    enginePromise = ensureEngine({ runId });
    rig = await enginePromise;
    say(
      `[run-tests] docker engine ready in ${Date.now() - t0} ms: ${rig.dockerHost} (${rig.private ? 'private dockerd' : 'existing engine'}` +
        `, daemon start ${rig.startMs} ms, image import ${rig.imageMs} ms)`,
    );
  } catch (e) {
    unavailable = (e as Error).message || String(e);
    if (CI) {
      banner('DOCKER ENGINE UNAVAILABLE (CI=true): FAILING', unavailable);
      await teardown();
      say('0 passed, 1 failed');
      return 1;
    }
    banner(
      'WARNING: DOCKER ENGINE UNAVAILABLE – tests under test/docker/ WILL NOT RUN',
      `${unavailable}\n(under CI=true this is a failure)`,
    );
    ignores.push(`^${DOCKER_DIR}[\\\\/]`);
  }
  if (signalled) return 1;

  const env: NodeJS.ProcessEnv = { ...process.env, LOGAGG_TEST_RUN_ID: runId, LOGAGG_TEST_IMAGE: TEST_IMAGE };
  if (rig) {
    stateFile = rig.state.dir ? path.join(rig.state.dir, 'rig-state.json') : path.join(os.tmpdir(), `logagg-rig-state-${process.pid}.json`);
    writeFileSync(stateFile, JSON.stringify({ ...rig.state, runId }, null, 2) + '\n');
    env.DOCKER_HOST = rig.dockerHost;
    env.LOGAGG_RIG_STATE = stateFile;
    delete env.LOGAGG_DOCKER_UNAVAILABLE;
  } else {
    env.LOGAGG_DOCKER_UNAVAILABLE = unavailable ?? 'unknown';
    delete env.DOCKER_HOST;
    delete env.LOGAGG_RIG_STATE;
  }

  // `npm test -- <regex>` narrows the run to matching files (a developer's shortcut; CI passes none).
  const narrow = process.argv[2];
  const args = [path.relative(ROOT, DIST_TEST) || '.', narrow ? `${narrow}.*${TEST_FILE.source}` : TEST_FILE.source];
  for (const i of ignores) args.push('--ignore', i);
  let r: UvuResult;
  try {
    r = await runUvu(args, env);
  } finally {
    await teardown();
  }
  if (signalled) return 1;

  let passed: number;
  let failed: number;
  if (r.total !== undefined && r.passed !== undefined) {
    passed = r.passed;
    failed = r.total - r.passed;
  } else {
    passed = r.marksPassed;
    failed = r.marksFailed + 1;
    problems.push(
      'uvu exited before printing its summary (see the error above: a test file failed to load, an after hook threw, ' +
        'or an uncaught exception / unhandled rejection killed it)',
    );
  }
  if (r.timedOut) problems.push(`tests timed out after ${TIMEOUT_MS} ms (LOGAGG_TEST_TIMEOUT_MS)`);
  if (r.exitedEarly) problems.push('uvu: "Exiting early before testing is finished"');
  if (r.total === 0) problems.push('no test ran');
  if (failed > 0) problems.push(`${failed} test(s) failed`);
  if (r.total !== undefined && failed > r.marksFailed) {
    problems.push(
      `${failed - r.marksFailed} test(s) never ran: a before hook threw (uvu 0.5.6 drops hook errors without printing them)`,
    );
  }
  if (CI && (r.skipped ?? 0) > 0) problems.push(`${r.skipped} test(s) skipped, which is not allowed under CI=true`);
  if (!r.killedAfterSummary && !r.timedOut && (r.exitCode !== 0 || r.signal)) {
    if (failed === 0) problems.push(`uvu exited with ${r.signal ? `signal ${r.signal}` : `code ${r.exitCode}`}`);
  }
  if (unavailable) say(`[run-tests] WARNING: docker engine unavailable, tests under test/docker/ were not run: ${unavailable}`);
  if (!CI && (r.skipped ?? 0) > 0) say(`[run-tests] note: ${r.skipped} test(s) skipped (a failure under CI=true)`);
  if (problems.length) say(`[run-tests] FAILED: ${problems.join('; ')}`);
  if (problems.length && failed === 0) failed = 1;
  say(`${passed} passed, ${failed} failed`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Nothing of ours should keep the loop alive; make sure a stray handle cannot hang CI.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  async (e: unknown) => {
    say(`[run-tests] runner crashed: ${(e as Error)?.stack ?? String(e)}`);
    await teardown();
    say('0 passed, 1 failed');
    process.exit(1);
  },
);
