import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LineAssembler, type AssembledLine } from '../../actors/docker/line-assembler.js';
import { ResumeCursor } from '../../actors/docker/resume-cursor.js';
import { RepeatFilter } from '../../actors/docker/repeat-filter.js';
import { dockerTsToMs, dockerTsToSince, msToSince } from '../../actors/docker/docker-timestamp.js';

const test = suite('line assembler');

const TS1 = '2025-10-25T14:30:00.123456789Z';
const TS2 = '2025-10-25T14:30:01.000000001Z';

/** One multiplexed frame as the engine writes it. */
function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

function assemble(chunks: Buffer[], tty = false, maxLineBytes = 1 << 20, accept: (ts: string, stream: 'stdout' | 'stderr', bytes: Uint8Array, complete: boolean) => boolean = () => true) {
  const lines: AssembledLine[] = [];
  const errors: string[] = [];
  const a = new LineAssembler({ tty, maxLineBytes, onLine: (l) => lines.push(l), accept, onEngineError: (e) => errors.push(e) });
  for (const c of chunks) a.push(c);
  a.finish();
  return { lines, errors };
}

/** Splits a byte stream into chunks of every size from 1 byte up, to exercise straddling. */
function chop(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

test('demultiplexes stdout and stderr frames and strips the timestamp prefix', () => {
  const body = Buffer.concat([frame(1, `${TS1} hello\n`), frame(2, `${TS1} oops\n`), frame(1, `${TS2} bye\r\n`)]);
  const { lines } = assemble([body]);
  assert.equal(lines, [
    { stream: 'stdout', ts: TS1, text: 'hello', truncated: false },
    { stream: 'stderr', ts: TS1, text: 'oops', truncated: false },
    { stream: 'stdout', ts: TS2, text: 'bye', truncated: false },
  ]);
});

test('headers and payloads straddling chunks at every split size give the same lines', () => {
  const body = Buffer.concat([frame(1, `${TS1} héllo wörld\n`), frame(2, `${TS1} ✓ done\n`), frame(1, `${TS2} third\n`)]);
  const expected = assemble([body]).lines;
  for (let size = 1; size <= body.length; size++) assert.equal(assemble(chop(body, size)).lines, expected, `chunk size ${size}`);
});

test('16 KiB pieces with repeated timestamps are joined, per stream, even interleaved', () => {
  const a = 'a'.repeat(16384);
  const b = 'b'.repeat(16384);
  const body = Buffer.concat([
    frame(1, `${TS1} ${a}`),
    frame(2, `${TS1} ${b}`),
    frame(1, `${TS1} ${a}`),
    frame(2, `${TS1} tail-b\n`),
    frame(1, `${TS1} tail-a\n`),
  ]);
  const { lines } = assemble(chop(body, 1000));
  assert.equal(lines.map((l) => [l.stream, l.text.length, l.text.slice(-6)]), [
    ['stderr', 16384 + 6, 'tail-b'],
    ['stdout', 32768 + 6, 'tail-a'],
  ]);
});

test('a multi-byte character cut at a piece boundary survives the join', () => {
  const text = 'x'.repeat(16383) + '€tail';
  const bytes = Buffer.from(text);
  const body = Buffer.concat([frame(1, Buffer.concat([Buffer.from(`${TS1} `), bytes.subarray(0, 16384)])), frame(1, Buffer.concat([Buffer.from(`${TS1} `), bytes.subarray(16384), Buffer.from('\n')]))]);
  assert.equal(assemble([body]).lines.map((l) => l.text), [text]);
});

test('a joined line is cut at the maximum and marked truncated', () => {
  const body = Buffer.concat([frame(1, `${TS1} ${'a'.repeat(16384)}`), frame(1, `${TS1} ${'a'.repeat(100)}\n`)]);
  const { lines } = assemble([body], false, 2000);
  assert.is(lines.length, 1);
  assert.is(lines[0]!.text.length, 2000);
  assert.is(lines[0]!.truncated, true);
});

test('text left without a newline when the stream ends is flushed as a line', () => {
  const { lines } = assemble([frame(1, `${TS1} no newline at exit`)]);
  assert.equal(lines.map((l) => l.text), ['no newline at exit']);
});

test('stream type 3 is an engine error, not a line', () => {
  const { lines, errors } = assemble([Buffer.concat([frame(3, 'Error grabbing logs: boom\n'), frame(1, `${TS1} ok\n`)])]);
  assert.equal(errors, ['Error grabbing logs: boom']);
  assert.equal(lines.map((l) => l.text), ['ok']);
});

test('TTY streams: raw lines ending \\r\\n, split across chunks, 16 KiB pieces joined', () => {
  const long = 'z'.repeat(40000);
  const body = Buffer.from(`${TS1} one\r\n${TS1} ${long.slice(0, 16384)}${TS1} ${long.slice(16384, 32768)}${TS1} ${long.slice(32768)}\r\n${TS2} two\r\n`);
  const expected = ['one', long, 'two'];
  for (const size of [1, 7, 31, 4096, 16415, body.length]) {
    assert.equal(assemble(chop(body, size), true).lines.map((l) => l.text), expected, `chunk size ${size}`);
  }
});

test('TTY: text a previous run left without a newline ends where the next timestamp starts', () => {
  const body = Buffer.from(`${TS1} Password: ${TS2} started again\r\n`);
  for (const size of [1, 13, body.length]) {
    assert.equal(assemble(chop(body, size), true).lines.map((l) => [l.ts, l.text]), [
      [TS1, 'Password: '],
      [TS2, 'started again'],
    ], `chunk size ${size}`);
  }
});

test('TTY text without a newline at the end is flushed', () => {
  assert.equal(assemble([Buffer.from(`${TS1} a\r\n${TS2} prompt> `)], true).lines.map((l) => l.text), ['a', 'prompt> ']);
});

test('a line split at 16 KiB whose last piece comes on the next stream is joined, not cut', () => {
  const cursor = new ResumeCursor();
  const lines: AssembledLine[] = [];
  const a = new LineAssembler({ tty: false, maxLineBytes: 1 << 20, onLine: (l) => lines.push(l), accept: (ts, stream) => cursor.accept(ts, stream), onEngineError: () => {} });
  const piece = 'p'.repeat(16384);
  a.push(Buffer.concat([frame(1, `${TS1} ${piece}`), frame(1, `${TS1} ${piece}`).subarray(0, 100)]));
  a.streamEnded(); // a history read ended mid-line; the half frame was not counted
  assert.equal(lines, []);
  cursor.reopen();
  a.push(Buffer.concat([frame(1, `${TS1} ${piece}`), frame(1, `${TS1} ${piece}`), frame(1, `${TS1} end\n`)]));
  assert.equal(lines.map((l) => l.text.length), [2 * 16384 + 3]);
});

test('the resume cursor skips exactly the messages already seen at the cursor timestamp', () => {
  const cursor = new ResumeCursor();
  const first = Buffer.concat([frame(1, `${TS1} a\n`), frame(1, `${TS1} b\n`)]);
  assert.equal(assemble([first], false, 1 << 20, (ts, stream) => cursor.accept(ts, stream)).lines.map((l) => l.text), ['a', 'b']);
  assert.equal(cursor.positions, { stdout: { ts: TS1, atTs: 2 } });
  // Reopened with since=TS1 (inclusive): the engine repeats a and b, then c at the same ts, then d.
  cursor.reopen();
  const replay = Buffer.concat([frame(1, `${TS1} a\n`), frame(1, `${TS1} b\n`), frame(1, `${TS1} c\n`), frame(1, `${TS2} d\n`)]);
  assert.equal(assemble([replay], false, 1 << 20, (ts, stream) => cursor.accept(ts, stream)).lines.map((l) => l.text), ['c', 'd']);
  assert.is(cursor.ts, TS2);
  assert.is(cursor.since, dockerTsToSince(TS2));
});

test('the cursor keeps a live message a hair older than its stream position (a clock step)', () => {
  const cursor = new ResumeCursor();
  assert.ok(cursor.accept(TS2, 'stdout'));
  assert.ok(cursor.accept(TS1, 'stdout'));
  assert.is(cursor.ts, TS2);
});

test('per stream: reopened from the earlier stream, a stderr line stamped before stdout\'s position is not lost', () => {
  const TS0 = '2025-10-25T14:29:59.999999999Z';
  const cursor = new ResumeCursor();
  // stdout got to TS2; stderr's last seen line was TS0, and its line stamped TS1 had not been delivered.
  assert.ok(cursor.accept(TS0, 'stderr'));
  assert.ok(cursor.accept(TS2, 'stdout'));
  assert.is(cursor.since, dockerTsToSince(TS0));
  cursor.reopen();
  const replay = Buffer.concat([frame(2, `${TS0} err-0\n`), frame(2, `${TS1} err-1\n`), frame(1, `${TS2} out-2\n`), frame(1, `${TS2} out-3\n`)]);
  assert.equal(assemble([replay], false, 1 << 20, (ts, stream) => cursor.accept(ts, stream)).lines.map((l) => l.text), ['err-1', 'out-3']);
  assert.equal(cursor.positions, { stdout: { ts: TS2, atTs: 2 }, stderr: { ts: TS1, atTs: 1 } });
  const restored = new ResumeCursor(cursor.positions);
  assert.is(restored.since, dockerTsToSince(TS1));
});

test('Docker timestamps convert to since values without losing nanoseconds', () => {
  assert.is(dockerTsToSince(TS1), '1761402600.123456789');
  assert.is(dockerTsToMs(TS1), Date.parse('2025-10-25T14:30:00.123Z'));
  assert.is(msToSince(1761402600123), '1761402600.123000000');
});

test('pieces of a split line the engine sends again after a rotation are dropped before joining', () => {
  const a = 'a'.repeat(16384);
  const b = 'b'.repeat(16384);
  // Rotation after the first piece: the new file's pieces are read, then read again from its start.
  const body = Buffer.concat([
    frame(1, `${TS1} ${a}`),
    frame(1, `${TS1} ${b}`),
    frame(1, `${TS1} tail\n`),
    frame(1, `${TS1} ${b}`),
    frame(1, `${TS1} tail\n`),
    frame(1, `${TS2} next\n`),
    frame(1, `${TS2} next\n`),
  ]);
  const cursor = new ResumeCursor();
  const filter = new RepeatFilter();
  const { lines } = assemble(chop(body, 7000), false, 1 << 20, (ts, stream, bytes, complete) => cursor.accept(ts, stream, () => filter.repeated(stream, ts, bytes, complete)));
  // TS2 ends in 001 ns: a clock that fine never stamps two lines alike, so the second `next` is the engine's repeat.
  assert.equal(lines.map((l) => l.text), [a + b + 'tail', 'next']);
  assert.is(filter.dropped, 3);
});

test.run();
