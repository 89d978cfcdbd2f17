/**
 * The docker CLI reference of the latency scenarios, in a process of its own so that the bench's busy event
 * loop (100 WebSocket clients) does not delay reading the CLI's output: runs
 * `docker -H <host> logs -f --timestamps <id>` (`count` of them at once, each sampled on every
 * `sampleEvery`-th line, as the fan-out's clients are), records arrival − Docker timestamp until every
 * one saw `marker`, prints one JSON line ({lines, markerSeen, latency summary}) and exits.
 * Usage: node dist/test/bench/cli-latency.js <dockerHost> <containerId> <marker> [timeoutMs] [count] [sampleEvery]
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BenchDocker } from './bench-docker.js';
import { Sample, summary } from './bench-util.js';

export interface CliLatencyResult {
  lines: number;
  markerSeen: boolean;
  /** How many of the followers saw the marker; stderr of the first that did not. */
  sawMarker?: number;
  stderr?: string;
  latency: ReturnType<typeof summary>;
  error?: string;
}

/** Runs this file as a child process and resolves with its result. */
export function cliLatencyChild(dockerHost: string, id: string, marker: string, timeoutMs: number, count = 1, sampleEvery = 1): { done: Promise<CliLatencyResult>; kill(): void } {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, dockerHost, id, marker, String(timeoutMs), String(count), String(sampleEvery)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const done = new Promise<CliLatencyResult>((resolve) =>
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as CliLatencyResult);
      } catch {
        resolve({ lines: 0, markerSeen: false, latency: summary([]), error: `no result (${out.slice(0, 200)})` });
      }
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [host, id, marker, timeout, countArg, everyArg] = process.argv.slice(2);
  if (!host || !id || !marker) {
    console.error('usage: cli-latency.js <dockerHost> <containerId> <marker> [timeoutMs]');
    process.exit(2);
  }
  const bd = new BenchDocker(host);
  const lat = new Sample();
  const clis = Array.from({ length: Number(countArg) || 1 }, () => bd.followWithCli(id, marker, { latencies: lat, sampleEvery: Number(everyArg) || 1 }));
  const finish = (error?: string) => {
    for (const cli of clis) cli.kill();
    const r: CliLatencyResult = {
      lines: Math.min(...clis.map((c) => c.lines)),
      markerSeen: clis.every((c) => c.markerAt !== undefined),
      sawMarker: clis.filter((c) => c.markerAt !== undefined).length,
      stderr: clis.find((c) => c.markerAt === undefined)?.stderr.slice(0, 300) ?? '',
      latency: summary(lat.values()),
      ...(error ? { error } : {}),
    };
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  };
  const timer = setTimeout(() => finish('timeout'), Number(timeout) || 120_000);
  void Promise.all(clis.map((c) => c.marker)).then(() => {
    clearTimeout(timer);
    finish();
  });
  void Promise.all(clis.map((c) => c.exited)).then(() => setTimeout(() => finish(clis.some((c) => c.markerAt === undefined) ? 'docker logs exited without the marker' : undefined), 200));
}
