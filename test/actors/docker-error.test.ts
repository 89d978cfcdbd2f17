/** Docker connection errors worded for whoever runs the service. */
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { explainDockerError } from '../../actors/docker/docker-error.js';

const test = suite('docker errors');

const err = (code: string, message: string) => Object.assign(new Error(message), { code });

test('EACCES names the socket group and the three ways to add it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-sock-'));
  try {
    const sock = path.join(dir, 'docker.sock');
    writeFileSync(sock, '');
    chmodSync(sock, 0o660);
    const gid = process.getuid?.() === 0 ? 4242 : (process.getgid?.() ?? 0);
    if (process.getuid?.() === 0) chownSync(sock, 0, gid);
    const text = explainDockerError(err('EACCES', `connect EACCES ${sock}`), sock);
    assert.match(text, `permission denied on the Docker socket ${sock}`);
    assert.match(text, `group ${gid}, mode 660`);
    assert.match(text, `--group-add ${gid}`);
    assert.match(text, `group_add: ["${gid}"]`);
    assert.match(text, `--build-arg DOCKER_GID=${gid}`);
    assert.match(text, `runs as uid ${process.getuid?.()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ENOENT and ECONNREFUSED say what to check; others keep their words', () => {
  assert.match(explainDockerError(err('ENOENT', 'connect ENOENT /x.sock'), '/x.sock'), /is Docker running, and is the socket mounted/);
  assert.match(explainDockerError(err('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:2375')), /is the Docker daemon running/);
  assert.is(explainDockerError(new Error('(HTTP code 500) server error')), '(HTTP code 500) server error');
  assert.is(explainDockerError('plain'), 'plain');
});

test.run();
