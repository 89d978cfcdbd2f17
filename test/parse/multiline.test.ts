import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MultilineJoiner, type JoinedLine } from '../../actors/parse/multiline.js';

/** Feeds lines 1 ms apart; returns everything emitted (push results, then flush()) and what push returned per line. */
function run(lines: string[], opts = {}): { out: JoinedLine[]; perPush: JoinedLine[][] } {
  const j = new MultilineJoiner({ quietMs: 300, maxLines: 500, ...opts });
  const out: JoinedLine[] = [];
  const perPush: JoinedLine[][] = [];
  lines.forEach((l, i) => {
    const r = j.push(l, `ts${i}`, 1000 + i);
    perPush.push(r);
    out.push(...r);
  });
  out.push(...j.flush());
  return { out, perPush };
}

const PYTHON = [
  'Traceback (most recent call last):',
  '  File "/app/main.py", line 10, in <module>',
  '    main()',
  '  File "/app/main.py", line 6, in main',
  '    int("x")',
  "ValueError: invalid literal for int() with base 10: 'x'",
];

test('plain lines pass through with no delay', () => {
  const lines = ['2025-10-25 14:30:00 INFO one', '{"level":"error","msg":"json error"}', 'DEBUG three', 'level=info msg=four'];
  const { perPush } = run(lines);
  perPush.forEach((r, i) => {
    assert.is(r.length, 1, lines[i]);
    assert.is(r[0]!.text, lines[i]);
    assert.is(r[0]!.trace, false);
    assert.is(r[0]!.lines, 1);
    assert.is(r[0]!.dockerTs, `ts${i}`);
  });
});

test('a possible trace header waits for one line only', () => {
  const j = new MultilineJoiner({ quietMs: 300, maxLines: 500 });
  assert.equal(j.push('2025-10-25 14:30:00 ERROR db failed', 'a', 0), []);
  assert.ok(j.pending);
  assert.is(j.nextDeadline(), 300);
  const r = j.push('2025-10-25 14:30:01 INFO recovered', 'b', 5);
  assert.equal(
    r.map((x) => x.text),
    ['2025-10-25 14:30:00 ERROR db failed', '2025-10-25 14:30:01 INFO recovered'],
  );
  assert.is(j.pending, false);
  assert.is(j.nextDeadline(), undefined);
});

test('Python traceback', () => {
  const { out } = run([...PYTHON, 'INFO next']);
  assert.is(out.length, 2);
  assert.is(out[0]!.text, PYTHON.join('\n'));
  assert.is(out[0]!.trace, true);
  assert.is(out[0]!.lines, PYTHON.length);
  assert.is(out[0]!.dockerTs, 'ts0');
  assert.is(out[1]!.text, 'INFO next');
});

test('Python chained exceptions with blank lines', () => {
  const chained = [
    ...PYTHON,
    '',
    'During handling of the above exception, another exception occurred:',
    '',
    'Traceback (most recent call last):',
    '  File "/app/main.py", line 12, in <module>',
    '    raise RuntimeError("wrapped") from e',
    'RuntimeError: wrapped',
    '',
    'The above exception was the direct cause of the following exception:',
    '',
    'Traceback (most recent call last):',
    '  File "/app/main.py", line 14, in <module>',
    'app.errors.FatalError: giving up',
  ];
  const { out } = run([...chained, 'next line']);
  assert.is(out.length, 2);
  assert.is(out[0]!.text, chained.join('\n'));
  assert.is(out[0]!.lines, chained.length);
  assert.is(out[1]!.text, 'next line');
});

test('blank line after a finished trace is not swallowed', () => {
  const { out } = run([...PYTHON, '', 'next']);
  assert.equal(
    out.map((x) => x.text),
    [PYTHON.join('\n'), '', 'next'],
  );
});

test('JVM with Caused by and ... N more', () => {
  const jvm = [
    'Exception in thread "main" java.lang.IllegalStateException: boom',
    '\tat com.example.App.run(App.java:42)',
    '\tat com.example.App.main(App.java:10)',
    'Caused by: java.io.IOException: disk full',
    '\tat com.example.Io.write(Io.java:7)',
    '\t... 2 more',
    '\tSuppressed: java.lang.RuntimeException: close failed',
    '\t\tat com.example.Io.close(Io.java:9)',
  ];
  const { out } = run([...jvm, '2025-10-25 14:30:00 INFO next']);
  assert.is(out.length, 2);
  assert.is(out[0]!.text, jvm.join('\n'));
  assert.is(out[0]!.trace, true);
});

test('JVM header without "Exception in thread" needs a frame', () => {
  const jvm = ['com.example.BarException: bad state', '\tat com.example.Bar.x(Bar.java:1)', '\t... 12 common frames omitted'];
  const { out } = run([...jvm, 'after']);
  assert.is(out[0]!.text, jvm.join('\n'));
  assert.is(out[0]!.trace, true);
  // Without frames it is just a line.
  const lone = run(['java.lang.IllegalArgumentException: nope', 'after']).out;
  assert.equal(
    lone.map((x) => [x.text, x.trace]),
    [
      ['java.lang.IllegalArgumentException: nope', false],
      ['after', false],
    ],
  );
});

test('Node error with frames and property dump', () => {
  const node = [
    "TypeError: Cannot read properties of undefined (reading 'id')",
    '    at handler (/app/src/routes.js:41:18)',
    '    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {',
    "  code: 'ERR_X'",
    '}',
    '',
    'Node.js v20.11.0',
  ];
  const { out } = run([...node, 'next']);
  assert.is(out.length, 2);
  assert.is(out[0]!.text, node.join('\n'));
  assert.is(out[0]!.lines, node.length);
});

test('.NET exception with inner exception and stack-trace separators', () => {
  const net = [
    'System.InvalidOperationException: Sequence contains no elements',
    '   at System.Linq.ThrowHelper.ThrowNoElementsException()',
    '   at Shop.Orders.Handle(Order o) in /src/Orders.cs:line 42',
    '--- End of stack trace from previous location ---',
    '   at Shop.Program.Main(String[] args) in /src/Program.cs:line 10',
    ' ---> System.Exception: inner',
  ];
  const { out } = run([...net, 'info: next']);
  assert.is(out.length, 2);
  assert.is(out[0]!.text, net.join('\n'));
});

test('Go panic with goroutines, ends at exit status', () => {
  const go = [
    'panic: runtime error: invalid memory address or nil pointer dereference',
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]',
    '',
    'goroutine 1 [running]:',
    'main.(*Server).handle(0x0, {0x5b2e40, 0xc0000a2000})',
    '\t/app/server.go:57 +0x1c',
    'main.main()',
    '\t/app/main.go:21 +0x85',
    '',
    'goroutine 18 [chan receive]:',
    'net/http.(*conn).serve(0xc000132000)',
    '\t/usr/local/go/src/net/http/server.go:2000 +0x5f',
    'created by net/http.(*Server).Serve in goroutine 1',
    '\t/usr/local/go/src/net/http/server.go:3000 +0x4aa',
    'exit status 2',
  ];
  const j = new MultilineJoiner({ quietMs: 300, maxLines: 500 });
  const out: JoinedLine[] = [];
  go.forEach((l, i) => out.push(...j.push(l, `ts${i}`, i)));
  // "exit status" closes the group at once: nothing left pending.
  assert.is(out.length, 1);
  assert.is(j.pending, false);
  assert.is(out[0]!.text, go.join('\n'));
  assert.is(out[0]!.trace, true);
});

test('log line followed by a traceback: the header joins the trace', () => {
  const lines = ['2025-10-25 14:30:00,123 ERROR Failed to handle request', ...PYTHON];
  const { out } = run([...lines, '2025-10-25 14:30:01,000 INFO ok']);
  assert.is(out.length, 2);
  assert.is(out[0]!.text, lines.join('\n'));
  assert.is(out[0]!.dockerTs, 'ts0');
  assert.is(out[0]!.trace, true);
});

test('log line followed by indented at frames, and by an exception header plus frames', () => {
  const a = ['2025-10-25 14:30:00 WARN [http] request failed Error: socket hang up', '    at connResetException (node:internal/errors:720:14)'];
  assert.is(run([...a, 'next']).out[0]!.text, a.join('\n'));
  const b = [
    '2025-10-25 14:30:00,123 ERROR [main] c.e.App - Unhandled',
    'java.lang.RuntimeException: boom',
    '\tat com.example.App.main(App.java:5)',
  ];
  const r = run([...b, 'next']).out;
  assert.is(r[0]!.text, b.join('\n'));
  assert.is(r[0]!.lines, 3);
});

test('quiet-time flush with an injected clock', () => {
  const j = new MultilineJoiner({ quietMs: 300, maxLines: 500 });
  j.push(PYTHON[0]!, 't0', 1000);
  j.push(PYTHON[1]!, 't1', 1010);
  assert.is(j.nextDeadline(), 1310);
  assert.equal(j.flushDue(1309), []);
  const r = j.flushDue(1310);
  assert.is(r.length, 1);
  assert.is(r[0]!.text, PYTHON.slice(0, 2).join('\n'));
  assert.is(j.pending, false);
  assert.equal(j.flushDue(5000), []);
});

test('a push after the quiet time does not join the old group', () => {
  const j = new MultilineJoiner({ quietMs: 300, maxLines: 500 });
  j.push('2025-10-25 ERROR failed', 't0', 0);
  const r = j.push('    at late (x.js:1:1)', 't1', 10_000);
  assert.equal(
    r.map((x) => x.text),
    ['2025-10-25 ERROR failed', '    at late (x.js:1:1)'],
  );
});

test('maxLines cuts the group, the rest continues as a new group', () => {
  const frames = Array.from({ length: 9 }, (_, i) => `\tat com.example.F.f${i}(F.java:${i})`);
  const lines = ['Exception in thread "main" java.lang.StackOverflowError', ...frames];
  const { out } = run([...lines, 'next'], { maxLines: 4 });
  assert.equal(
    out.map((x) => x.lines),
    [4, 4, 2, 1],
  );
  assert.is(out[0]!.truncated, true);
  assert.is(out[1]!.truncated, true);
  assert.is(out[2]!.truncated, undefined);
  assert.is(out[1]!.dockerTs, 'ts4');
  assert.ok(out.slice(0, 3).every((x) => x.trace));
  assert.is(out[3]!.text, 'next');
});

test('maxBytes cuts the group', () => {
  const lines = ['Exception in thread "main" java.lang.Error', ...Array.from({ length: 20 }, () => '\tat ' + 'x'.repeat(50))];
  const { out } = run(lines, { maxBytes: 200 });
  assert.ok(out.length > 1);
  assert.is(out[0]!.truncated, true);
  assert.is(out.reduce((n, x) => n + x.lines, 0), lines.length);
});

test('every line comes out exactly once, in order', () => {
  const lines = ['a', 'ERROR x', ...PYTHON, '', '', '', 'b', 'panic: p', '', 'c', 'TypeError: t', 'd', '    at orphan', 'e'];
  const { out } = run(lines);
  const back = out.flatMap((x) => x.text.split('\n'));
  assert.equal(back, lines);
  assert.is(out.reduce((n, x) => n + x.lines, 0), lines.length);
});

test('fuzz: random mixes of traces and lines keep every line once, in order', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pool = [
    'plain', 'ERROR header', '', '    at x (y.js:1:1)', '\tat a.B(C.java:1)', 'Caused by: x.Y: z', 'Traceback (most recent call last):',
    '  File "a.py", line 1', 'ValueError: v', 'During handling of the above exception, another exception occurred:',
    'panic: p', 'goroutine 1 [running]:', 'main.main()', 'exit status 2', 'TypeError: t', '}', 'Node.js v20.0.0', '{"level":"error"}',
  ];
  for (let round = 0; round < 200; round++) {
    const lines = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pool[Math.floor(rand() * pool.length)]!);
    const j = new MultilineJoiner({ quietMs: 50, maxLines: 1 + Math.floor(rand() * 10) });
    const out: JoinedLine[] = [];
    let now = 0;
    for (const l of lines) {
      now += rand() < 0.1 ? 100 : 1;
      if (rand() < 0.1) out.push(...j.flushDue(now));
      out.push(...j.push(l, String(now), now));
    }
    out.push(...j.flush());
    assert.equal(out.flatMap((x) => x.text.split('\n')), lines);
    assert.is(out.reduce((n, x) => n + x.lines, 0), lines.length);
    assert.is(j.pending, false);
  }
});


test('the joiner holds at most maxBytes of a trace however long it is: big frames come out in truncated groups', () => {
  const j = new MultilineJoiner({ quietMs: 300, maxLines: 100_000, maxBytes: 256 * 1024 });
  const out: JoinedLine[] = [];
  out.push(...j.push('Traceback (most recent call last):', 'ts0', 1000));
  let held = 0;
  for (let i = 1; i <= 200; i++) {
    out.push(...j.push(`  File "/app/x${i}.py", line ${i}, in f ${'y'.repeat(20_000)}`, `ts${i}`, 1000 + i));
    held = Math.max(held, j.heldBytes);
  }
  out.push(...j.flush());
  assert.ok(held < 256 * 1024, `held ${held}`);
  assert.is(j.heldBytes, 0);
  assert.ok(out.length >= 15);
  assert.ok(out.slice(0, -1).every((g) => g.truncated));
  assert.is(out.reduce((n, g) => n + g.lines, 0), 201, 'every line comes out once');
});

test.run();
