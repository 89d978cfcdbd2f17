import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLine } from '../../actors/parse/parse-line.js';
import { Level } from '../../actors/model/log-entry.js';

const now = Date.UTC(2025, 9, 26, 12, 0, 0);
const parse = (s: string) => parseLine(s, { now });

test('seed example', () => {
  const p = parse('2025-10-25 14:30:00 INFO [websocket-ingestion] Connected to Home Assistant');
  assert.is(p.level, Level.INFO);
  assert.is(p.message, 'Connected to Home Assistant');
  assert.is(p.time, '2025-10-25T14:30:00.000Z');
  assert.equal(p.fields, { logger: 'websocket-ingestion' });
});

test('each timestamp form in a plain line', () => {
  const cases: Array<[string, string, string]> = [
    ['2025-10-25T14:30:00.123456789Z starting', '2025-10-25T14:30:00.123456789Z', 'starting'],
    ['2025-10-25 14:30:00,123 ERROR Failed to handle request', '2025-10-25T14:30:00.123Z', 'Failed to handle request'],
    ['2025/10/25 14:30:00 listening on :8080', '2025-10-25T14:30:00.000Z', 'listening on :8080'],
    ['[25/Oct/2025:14:30:00 +0000] reload', '2025-10-25T14:30:00.000Z', 'reload'],
    ['Oct 25 14:30:00 host sshd[12]: Accepted key', '2025-10-25T14:30:00.000Z', 'host sshd[12]: Accepted key'],
    ['[2025-10-25T14:30:00Z] job done', '2025-10-25T14:30:00.000Z', 'job done'],
  ];
  for (const [line, time, message] of cases) {
    const p = parse(line);
    assert.is(p.time, time, line);
    assert.is(p.message, message, line);
  }
});

test('nginx access log: time taken, whole line kept as message', () => {
  const line = '172.18.0.1 - - [25/Oct/2025:14:30:00 +0000] "GET /api HTTP/1.1" 200 612 "-" "curl/8.0"';
  const p = parse(line);
  assert.is(p.time, '2025-10-25T14:30:00.000Z');
  assert.is(p.message, line);
  assert.is(p.level, Level.INFO);
});

test('klog: level letter, caller kept as a field', () => {
  const p = parse('E1025 14:30:00.123456   12345 controller.go:42] sync failed: timeout');
  assert.is(p.level, Level.ERROR);
  assert.is(p.time, '2025-10-25T14:30:00.123456Z');
  assert.is(p.message, 'sync failed: timeout');
  assert.equal(p.fields, { caller: 'controller.go:42' });
});

test('level token forms', () => {
  const cases: Array<[string, Level, string]> = [
    ['2025-10-25 14:30:00 WARN cache miss', Level.WARNING, 'cache miss'],
    ['2025-10-25 14:30:00 [error] boom', Level.ERROR, 'boom'],
    ['2025-10-25 14:30:00 [ERROR] boom', Level.ERROR, 'boom'],
    ['2025-10-25 14:30:00 <warn> careful', Level.WARNING, 'careful'],
    ['2025-10-25 14:30:00 [INFO ] padded', Level.INFO, 'padded'],
    ['DEBUG starting worker', Level.DEBUG, 'starting worker'],
    ['TRACE entering fn', Level.TRACE, 'entering fn'],
    ['FATAL cannot continue', Level.CRITICAL, 'cannot continue'],
    ['CRITICAL disk gone', Level.CRITICAL, 'disk gone'],
    ['CRIT disk gone', Level.CRITICAL, 'disk gone'],
    ['NOTICE config reloaded', Level.INFO, 'config reloaded'],
    ['ERR bad', Level.ERROR, 'bad'],
    ['PANIC bad', Level.CRITICAL, 'bad'],
    ['EMERG bad', Level.CRITICAL, 'bad'],
    ['ALERT bad', Level.CRITICAL, 'bad'],
    ['WARN: low memory', Level.WARNING, 'low memory'],
    ['warning: deprecated flag', Level.WARNING, 'deprecated flag'],
    ['info: winston says hi', Level.INFO, 'winston says hi'],
    ['INFO:     Uvicorn running on http://0.0.0.0:8000', Level.INFO, 'Uvicorn running on http://0.0.0.0:8000'],
    ['[INFO] 2025-10-25 14:30:00 level first', Level.INFO, 'level first'],
    ['\tERROR indented', Level.ERROR, 'indented'],
  ];
  for (const [line, level, message] of cases) {
    const p = parse(line);
    assert.is(p.level, level, line);
    assert.is(p.message, message, line);
  }
});

test('Python default formats: " - name - LEVEL - " and basicConfig "LEVEL:logger:msg"', () => {
  const p = parse('2025-10-25 14:30:00,123 - myapp.db - WARNING - connection retry 3');
  assert.is(p.level, Level.WARNING);
  assert.is(p.message, 'connection retry 3');
  assert.is(p.time, '2025-10-25T14:30:00.123Z');
  assert.equal(p.fields, { logger: 'myapp.db' });
  const q = parse('ERROR:uvicorn.error:Exception in ASGI application');
  assert.is(q.level, Level.ERROR);
  assert.is(q.message, 'Exception in ASGI application');
  assert.equal(q.fields, { logger: 'uvicorn.error' });
});

test('| LEVEL | separators (loguru)', () => {
  const p = parse('2025-10-25 14:30:00.123 | ERROR    | app.main:run:42 - crashed');
  assert.is(p.level, Level.ERROR);
  assert.is(p.message, 'app.main:run:42 - crashed');
});

test('thread tag before the level', () => {
  const p = parse('2025-10-25 14:30:00,123 [main] INFO  com.example.App - started');
  assert.is(p.level, Level.INFO);
  assert.is(p.message, 'com.example.App - started');
  assert.equal(p.fields, { thread: 'main' });
});

test('a bracket that is not a tag stays in the message', () => {
  assert.is(parse('2025-10-25 14:30:00 INFO [1/3] building').message, '[1/3] building');
  assert.is(parse('2025-10-25 14:30:00 [worker-1] no level here').message, '[worker-1] no level here');
});

test('words that are not level tokens', () => {
  const cases = ['Info about the job', 'INFORMATIONAL text?', 'errors: 0', 'GET /index.html 200', 'alert: user clicked', 'Debugging is fun'];
  for (const line of cases) {
    const p = parse(line);
    assert.is(p.level, Level.INFO, line);
    assert.is(p.message, line, line);
  }
});

test('ANSI colour codes are removed before parsing', () => {
  const p = parse('\x1b[2m2025-10-25 14:30:00\x1b[0m \x1b[33mWARN\x1b[39m \x1b[1mdisk\x1b[0m at 91%');
  assert.is(p.level, Level.WARNING);
  assert.is(p.time, '2025-10-25T14:30:00.000Z');
  assert.is(p.message, 'disk at 91%');
  assert.is(parse('\x1b]0;title\x07plain').message, 'plain');
});

test('no level: exceptions and panics are ERROR, the rest INFO', () => {
  const errors = [
    'Traceback (most recent call last):',
    'panic: runtime error: index out of range',
    'Exception in thread "main" java.lang.NullPointerException',
    'ValueError: invalid literal for int()',
    'java.lang.IllegalStateException: not ready',
    'requests.exceptions.ConnectionError: refused',
    'Error: ENOENT: no such file or directory',
    'TypeError: x is not a function',
    'fatal error: concurrent map writes',
    'java.lang.OutOfMemoryError',
  ];
  for (const line of errors) {
    const p = parse(line);
    assert.is(p.level, Level.ERROR, line);
    assert.is(p.message, line, line);
  }
  for (const line of ['Connected to broker', 'ErrorHandler registered', 'the Error: is here', 'Exceptional results today']) {
    assert.is(parse(line).level, Level.INFO, line);
  }
});

test('never throws: invalid UTF-8, control bytes, empty, huge', () => {
  assert.is(parse('').message, '');
  assert.is(parse('   ').message, '   ');
  const bad = '\ufffd\ufffd\u0000\u0001\u0007 garbage \ud800';
  assert.is(parse(bad).message, bad.trim());
  assert.is(parse('2025-10-25 14:30:00 INFO').message, '2025-10-25 14:30:00 INFO');
  assert.is(parse('\x1b[31m\x1b[0m').message, '\x1b[31m\x1b[0m');
  const huge = '2025-10-25 14:30:00 INFO ' + 'x'.repeat(2_000_000);
  const p = parse(huge);
  assert.is(p.message.length, 2_000_000);
  const hugeJson = '{"msg":"' + 'y'.repeat(1_000_000) + '"';
  assert.is(parse(hugeJson).message.length, hugeJson.length);
  for (const s of ['{', '}', '{}', '[', '=', '==', 'a=', '"', '\\', '[', '[]', '<>', '-', '|', ':', '\n', '\r\n']) {
    const r = parse(s);
    assert.type(r.message, 'string');
    assert.ok(r.message.length > 0, JSON.stringify(s));
  }
});

test.run();
