import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exceptionLine, fingerprint, normalizeDetail } from '../../actors/errors/fingerprint.js';

const test = suite('error-alert-fingerprint');

function same(a: string, b: string, type: string): void {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  assert.is(fa.type, type, a);
  assert.is(fb.type, type, b);
  assert.is(fa.key, fb.key, `${a}\n  vs\n${b}`);
  assert.is(fa.id, fb.id);
}

function different(a: string, b: string): void {
  assert.is.not(fingerprint(a).key, fingerprint(b).key, `${a}\n  vs\n${b}`);
}

test('Python one-line: quoted values are normalised', () => {
  same("ValueError: invalid literal for int() with base 10: 'abc'", "ValueError: invalid literal for int() with base 10: 'xyz'", 'ValueError');
  same('psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "users_pkey"', 'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"', 'psycopg2.errors.UniqueViolation');
  different('ValueError: bad value', 'KeyError: bad value');
});

test('plain messages: numbers and IP addresses; the type is the first words', () => {
  same('Connection to 10.0.0.5:5432 timed out after 30s', 'Connection to 10.0.0.7:5432 timed out after 31s', 'Connection to');
  same('failed to fetch /api/v1/orders/1234/items: status 503', 'failed to fetch /api/v1/orders/99/items: status 502', 'failed to fetch');
  different('failed to fetch /api/v1/orders/1/items', 'failed to fetch /api/v1/users/1/items');
  assert.is(fingerprint('500 internal error').type, 'error');
});

test('Python traceback: the last line is the exception', () => {
  const trace = (file: string, line: number, value: string) =>
    `Error handling request\nTraceback (most recent call last):\n  File "${file}", line ${line}, in handle\n    return int(x)\nValueError: invalid literal for int() with base 10: '${value}'`;
  same(trace('/app/a.py', 10, 'abc'), trace('/app/b.py', 99, 'zzz'), 'ValueError');
  same(trace('/app/a.py', 10, 'abc'), "ValueError: invalid literal for int() with base 10: 'q'", 'ValueError');
  const chained =
    'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nKeyError: \'id\'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File "a.py", line 3, in <module>\nmyapp.errors.LookupFailed: no user 42';
  assert.equal(exceptionLine(chained), { type: 'myapp.errors.LookupFailed', detail: 'no user 42' });
  assert.is(exceptionLine('Traceback (most recent call last):\n  File "a.py", line 1\nKeyboardInterrupt').type, 'KeyboardInterrupt');
});

test('JVM: the header line, also after a logger line or "Exception in thread"', () => {
  const jvm = (id: number, frame: string) => `java.lang.IllegalStateException: Order ${id} is not open\n\tat com.shop.Orders.close(Orders.java:${id % 100})\n\t${frame}\n\t... 12 more`;
  same(jvm(123, 'at a.B.c(B.java:1)'), jvm(456, 'at x.Y.z(Y.java:2)'), 'java.lang.IllegalStateException');
  same(`Failed to close order 7\n${jvm(7, 'at a.B.c(B.java:1)')}`, jvm(8, 'at a.B.c(B.java:1)'), 'java.lang.IllegalStateException');
  assert.equal(exceptionLine('Exception in thread "main" java.lang.NullPointerException\n\tat Main.main(Main.java:3)'), { type: 'java.lang.NullPointerException', detail: '' });
  assert.is(exceptionLine('java.io.IOException: Broken pipe\n\tat x.Y.z(Y.java:1)\nCaused by: java.net.SocketException: reset\n\tat a.B.c(B.java:2)').type, 'java.io.IOException');
});

test('Node: the first line', () => {
  const node = (prop: string, line: number) => `TypeError: Cannot read properties of undefined (reading '${prop}')\n    at handler (/app/src/routes/orders.js:${line}:17)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)`;
  same(node('id', 42), node('name', 43), 'TypeError');
  assert.equal(exceptionLine('Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client\n    at new NodeError (node:internal/errors:405:5)'), {
    type: 'Error',
    detail: '[ERR_HTTP_HEADERS_SENT] Cannot set headers after they are sent to the client',
  });
  assert.is(exceptionLine('Error\n    at Object.<anonymous> (/app/x.js:1:1)').type, 'Error');
  assert.is(exceptionLine('Uncaught RangeError: Maximum call stack size exceeded').type, 'RangeError');
});

test('Go: panic', () => {
  const panic = (i: number, addr: string) => `panic: runtime error: index out of range [${i}] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:8 +${addr}\nexit status 2`;
  same(panic(5, '0x1d'), panic(7, '0x2f'), 'panic');
  same('panic: nil map write at 0xc000123456 [recovered]', 'panic: nil map write at 0xc000999999', 'panic');
  assert.equal(exceptionLine('goroutine started\npanic: boom\n\ngoroutine 1 [running]:'), { type: 'panic', detail: 'boom' });
});

test('a type named inside a one-line message', () => {
  assert.equal(exceptionLine('Unhandled exception in worker: RuntimeError: lost connection'), { type: 'RuntimeError', detail: 'lost connection' });
  assert.is(exceptionLine('request failed (java.net.ConnectException: refused)').type, 'java.net.ConnectException');
  assert.is(exceptionLine('Error: ENOENT: no such file').type, 'Error');
  assert.is(exceptionLine('Error processing request').type, 'Error processing request');
});

test('normalisation: uuids, hex ids, addresses, ips, quoted strings, numbers', () => {
  assert.is(
    normalizeDetail('job 550e8400-e29b-41d4-a716-446655440000 on host fe80::1ff:fe23:4567:890a (ptr 0x7ffd5e8c) commit 3f2a9c1b7d took 1.25s for "user x" and \'y\' at 192.168.1.10:80'),
    'job <uuid> on host <ip> (ptr <addr>) commit <hex> took <n>s for "<str>" and \'<str>\' at <ip>:<n>',
  );
  assert.is(normalizeDetail("can't  connect\tto  db"), "can't connect to db", 'an apostrophe is not a quote');
  assert.is(normalizeDetail('at 14:30:05 GET /users/123/orders/456'), 'at <n>:<n>:<n> GET /users/<n>/orders/<n>');
});

test('ids are 16 hex digits and stable', () => {
  const f = fingerprint('ValueError: x');
  assert.match(f.id, /^[0-9a-f]{16}$/);
  assert.is(fingerprint('ValueError: x').id, f.id);
});

test.run();
