import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLinePipeline, type PipelineOutput } from '../../actors/parse/pipeline.js';
import { Level } from '../../actors/model/log-entry.js';

const R = '[REDACTED]';

test('plain line: parsed and emitted at once', () => {
  const p = createLinePipeline();
  const out = p.push('stdout', '2025-10-25 14:30:00 INFO [websocket-ingestion] Connected to Home Assistant', '2025-10-25T14:30:00.000000001Z', 1);
  assert.is(out.length, 1);
  assert.equal(out[0], {
    stream: 'stdout',
    dockerTs: '2025-10-25T14:30:00.000000001Z',
    parsed: { level: Level.INFO, message: 'Connected to Home Assistant', time: '2025-10-25T14:30:00.000Z', fields: { logger: 'websocket-ingestion' } },
  });
});

test('trace group: time/level from the first line, message = rest of header + trace, level at least ERROR', () => {
  const p = createLinePipeline({ quietMs: 300 });
  const lines = [
    '2025-10-25 14:30:00,123 WARNING Failed to handle request',
    'Traceback (most recent call last):',
    '  File "/app/x.py", line 1, in <module>',
    'KeyError: \'id\'',
  ];
  const out: PipelineOutput[] = [];
  lines.forEach((l, i) => out.push(...p.push('stderr', l, `ts${i}`, 100 + i)));
  assert.is(out.length, 0);
  assert.is(p.nextDeadline(), 403);
  out.push(...p.flushDue(403));
  assert.is(out.length, 1);
  const e = out[0]!;
  assert.is(e.stream, 'stderr');
  assert.is(e.dockerTs, 'ts0');
  assert.is(e.parsed.level, Level.ERROR);
  assert.is(e.parsed.time, '2025-10-25T14:30:00.123Z');
  assert.is(e.parsed.message, ['Failed to handle request', ...lines.slice(1)].join('\n'));
});

test('trace without a header: first line is the message start', () => {
  const p = createLinePipeline();
  p.push('stderr', 'panic: boom', 'a', 0);
  p.push('stderr', '', 'b', 1);
  p.push('stderr', 'goroutine 1 [running]:', 'c', 2);
  const out = p.push('stderr', 'exit status 2', 'd', 3);
  assert.is(out.length, 1);
  assert.is(out[0]!.parsed.message, 'panic: boom\n\ngoroutine 1 [running]:\nexit status 2');
  assert.is(out[0]!.parsed.level, Level.ERROR);
});

test('CRITICAL header stays CRITICAL', () => {
  const p = createLinePipeline();
  p.push('stderr', '2025-10-25 14:30:00 CRITICAL worker died', 'a', 0);
  p.push('stderr', 'Traceback (most recent call last):', 'b', 1);
  const out = p.flush();
  assert.is(out[0]!.parsed.level, Level.CRITICAL);
});

test('streams are joined independently', () => {
  const p = createLinePipeline();
  assert.equal(p.push('stderr', 'Traceback (most recent call last):', 'e0', 0), []);
  const o = p.push('stdout', 'INFO hello', 'o0', 1);
  assert.is(o.length, 1);
  assert.is(o[0]!.stream, 'stdout');
  p.push('stderr', '  File "a.py", line 1', 'e1', 2);
  const e = p.flush();
  assert.is(e.length, 1);
  assert.is(e[0]!.parsed.message, 'Traceback (most recent call last):\n  File "a.py", line 1');
});

test('redaction: message of plain lines, JSON fields by name, count exported', () => {
  const p = createLinePipeline();
  const a = p.push('stdout', '2025-10-25 14:30:00 INFO connecting with password=hunter2', 't', 0)[0]!;
  assert.is(a.parsed.message, `connecting with password=${R}`);
  const b = p.push('stdout', '{"level":"info","msg":"login as bob token=abc","user":"bob","password":"x","nested":{"apiKey":"k"}}', 't', 1)[0]!;
  assert.is(b.parsed.message, `login as bob token=${R}`);
  assert.equal(b.parsed.fields, { user: 'bob', password: R, nested: { apiKey: R } });
  const c = p.push('stdout', 'level=info msg=ok api_key=zzz', 't', 2)[0]!;
  assert.equal(c.parsed.fields, { api_key: R });
  assert.is(p.redactions, 5);
});

test('extra patterns from options', () => {
  const p = createLinePipeline({ extraPatterns: [/cust-\d+/g] });
  assert.is(p.push('stdout', 'order for cust-42 shipped', 't', 0)[0]!.parsed.message, `order for ${R} shipped`);
});

test('truncated groups are marked', () => {
  const p = createLinePipeline({ maxLines: 2 });
  p.push('stderr', 'Exception in thread "main" java.lang.Error', 'a', 0);
  const out = p.push('stderr', '\tat a.b(C.java:1)', 'b', 1);
  assert.is(out.length, 1);
  assert.is(out[0]!.truncated, true);
});

test('nextDeadline is the earliest of both streams', () => {
  const p = createLinePipeline({ quietMs: 100 });
  assert.is(p.nextDeadline(), undefined);
  p.push('stderr', 'Traceback (most recent call last):', 'a', 50);
  p.push('stdout', 'ERROR maybe a header', 'b', 20);
  assert.is(p.nextDeadline(), 120);
  assert.is(p.flushDue(120).length, 1);
  assert.is(p.nextDeadline(), 150);
});

test('never throws on odd input', () => {
  const p = createLinePipeline();
  const odd = ['', '\u0000', '\ufffd\ufffd', '{"a":', '{}', '\x1b[', '-----BEGIN PRIVATE KEY-----', 'x'.repeat(100_000)];
  for (const s of odd) p.push('stdout', s, 't', 0);
  const out = p.flush();
  assert.ok(Array.isArray(out));
});

test.run();
