/**
 * Reproduces, without logagg, how Docker 20.10's json-file reader can end a follow stream early: a
 * `GET /containers/{id}/logs?follow=1&tail=all` opened while the container floods, read slowly, ends at the
 * file size the log had when the request came in if the container exits before that part was sent
 * (moby daemon/logger/loggerutils/logfile.go, readLogsLocked: the section is sent first, then
 * `if !config.Follow || w.closed { return }`). The lines written in between are never sent on that stream.
 *
 * Run: `node dist/test/bench/docker-follow-truncation.js [trials=3] [openAfterMs=800] [pauseMsPer256KiB=100]`
 * (uses the test rig's engine, TEST_DOCKER_HOST when set; tears a private engine down at the end).
 */
import http from 'node:http';
import { ensureEngine, parseDockerHost } from '../rig/docker-rig.js';
import { BenchDocker } from './bench-docker.js';
import { log, sleep } from './bench-util.js';
import { floodScript } from './log-scripts.js';

const trials = Number(process.argv[2] ?? 3) || 3;
const openAfterMs = Number(process.argv[3] ?? 800);
const pauseMs = Number(process.argv[4] ?? 100);

const rig = await ensureEngine({ log: (m) => log(`[rig] ${m}`) });
const bd = new BenchDocker(rig.dockerHost);
const spec = parseDockerHost(rig.dockerHost);
try {
  for (let t = 0; t < trials; t++) {
    const tag = `trunc${t}${Date.now().toString(36)}`;
    const { script, env } = floodScript({ lines: 120_000, tag, seed: 4 });
    const c = await bd.create(`bench-trunc-${tag}`, script, env);
    await c.start();
    await sleep(openAfterMs);
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = http.get({ socketPath: spec.socketPath, host: spec.host, port: spec.port, path: `/containers/${c.id}/logs?follow=1&stdout=1&stderr=1&timestamps=1&tail=all` }, (res) => {
        let n = 0;
        let sincePause = 0;
        res.on('data', (b: Buffer) => {
          n += b.length;
          sincePause += b.length;
          if (sincePause > 256 * 1024 && pauseMs > 0) {
            sincePause = 0;
            res.pause();
            setTimeout(() => res.resume(), pauseMs);
          }
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    await c.wait();
    const all = await new Promise<number>((resolve, reject) => {
      http
        .get({ socketPath: spec.socketPath, host: spec.host, port: spec.port, path: `/containers/${c.id}/logs?stdout=1&stderr=1&timestamps=1` }, (res) => {
          let n = 0;
          res.on('data', (b: Buffer) => (n += b.length));
          res.on('end', () => resolve(n));
        })
        .on('error', reject);
    });
    log(`trial ${t + 1}: follow stream opened ${openAfterMs} ms after start delivered ${bytes} of ${all} bytes${bytes < all ? ' — TRUNCATED' : ''}`);
  }
} finally {
  await bd.removeAll();
  await rig.stop();
}
