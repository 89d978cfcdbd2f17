/**
 * The docker CLI reference of the latency scenarios, in a process of its own so that the bench's busy event
 * loop (100 WebSocket clients) does not delay reading the CLI's output: runs
 * `docker -H <host> logs -f --timestamps <id>`, records arrival − Docker timestamp per line until `marker`,
 * prints one JSON line ({lines, markerSeen, latency summary}) and exits.
 * Usage: node dist/test/bench/cli-latency.js <dockerHost> <containerId> <marker> [timeoutMs]
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BenchDocker } from './bench-docker.js';
import { Sample, summary } from './bench-util.js';

export interface CliLatencyResult {
  lines: number;
  markerSeen: boolean;
  latency: ReturnType<typeof summary>;
  error?: string;
}

/** Runs this file as a child process and resolves with its result. */
export function cliLatencyChild(dockerHost: string, id: string, marker: string, timeoutMs: number): { done: Promise<CliLatencyResult>; kill(): void } {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, dockerHost, id, marker, String(timeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const [host, id, marker, timeout] = process.argv.slice(2);
  if (!host || !id || !marker) {
    console.error('usage: cli-latency.js <dockerHost> <containerId> <marker> [timeoutMs]');
    process.exit(2);
  }
  const bd = new BenchDocker(host);
  const lat = new Sample();
  const cli = bd.followWithCli(id, marker, { latencies: lat });
  const finish = (error?: string) => {
    cli.kill();
    const r: CliLatencyResult = { lines: cli.lines, markerSeen: cli.markerAt !== undefined, latency: summary(lat.values()), ...(error ? { error } : {}) };
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  };
  const timer = setTimeout(() => finish('timeout'), Number(timeout) || 120_000);
  void cli.marker.then(() => {
    clearTimeout(timer);
    finish();
  });
  void cli.exited.then(() => setTimeout(() => finish(cli.markerAt === undefined ? 'docker logs exited without the marker' : undefined), 200));
}
