/** Unit tests for the test helpers themselves (no Docker needed). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildBusyboxTar, parseDockerHost } from './docker-rig.js';
import { demuxDockerStream, splitLines, waitFor } from './rig-client.js';

const test = suite('rig helpers');

function frame(type: number, payload: string | Buffer): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

test('demux splits frames per stream and joins split UTF-8', () => {
  const check = Buffer.from('✓', 'utf8');
  const buf = Buffer.concat([
    frame(1, 'out1\n'),
    frame(2, 'err1\n'),
    frame(1, Buffer.concat([Buffer.from('a'), check.subarray(0, 1)])),
    frame(1, Buffer.concat([check.subarray(1), Buffer.from('\n')])),
    frame(0, 'stdin-as-stdout\n'),
    frame(2, ''),
  ]);
  const { stdout, stderr } = demuxDockerStream(buf);
  assert.is(stdout.toString('utf8'), 'out1\na✓\nstdin-as-stdout\n');
  assert.is(stderr.toString('utf8'), 'err1\n');
});

test('demux rejects truncated and malformed streams', () => {
  assert.throws(() => demuxDockerStream(frame(1, 'abc').subarray(0, 9)), /truncated frame/);
  assert.throws(() => demuxDockerStream(Buffer.from([1, 0, 0])), /truncated frame header/);
  assert.throws(() => demuxDockerStream(frame(3, 'x')), /bad stream type/);
  assert.equal(demuxDockerStream(Buffer.alloc(0)).stdout.length, 0);
});

test('splitLines keeps a final unterminated line and empty lines', () => {
  assert.equal(splitLines(''), []);
  assert.equal(splitLines('a\n'), ['a']);
  assert.equal(splitLines('a\n\nb'), ['a', '', 'b']);
  assert.equal(splitLines('a\r\nb\r\n'), ['a\r', 'b\r']);
});

test('waitFor returns the first truthy value and names what timed out', async () => {
  let n = 0;
  assert.is(await waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 5 }), 3);
  try {
    await waitFor(() => false, { timeoutMs: 50, intervalMs: 10, what: 'the moon' });
    assert.unreachable('should time out');
  } catch (e) {
    assert.match((e as Error).message, /timed out after 50 ms waiting for the moon/);
  }
});

test('parseDockerHost', () => {
  assert.equal(parseDockerHost('/x/docker.sock'), { url: 'unix:///x/docker.sock', socketPath: '/x/docker.sock' });
  assert.equal(parseDockerHost('unix:///y.sock'), { url: 'unix:///y.sock', socketPath: '/y.sock' });
  assert.equal(parseDockerHost('tcp://1.2.3.4:2375'), { url: 'tcp://1.2.3.4:2375', host: '1.2.3.4', port: 2375 });
  assert.equal(parseDockerHost('localhost:1234').port, 1234);
});

test('busybox tar is well-formed ustar', () => {
  const tar = buildBusyboxTar('/proc/self/cmdline', ['sh', 'ls', 'busybox', '[[']);
  assert.is(tar.length % 512, 0);
  const names: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const size = parseInt(h.toString('latin1', 124, 135), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    assert.is(parseInt(h.toString('latin1', 148, 154), 8), sum, `checksum of ${name}`);
    names.push(name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  assert.ok(names.includes('bin/busybox'));
  assert.ok(names.includes('bin/sh'));
  assert.ok(names.includes('bin/[['));
  assert.ok(names.includes('tmp/'));
  assert.not.ok(names.includes('bin/busybox/'));
  assert.is(names.filter((n) => n === 'bin/busybox').length, 1);
});

test.run();
