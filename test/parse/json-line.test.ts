import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLine } from '../../actors/parse/parse-line.js';
import { renderTemplate } from '../../actors/parse/json-line.js';
import { Level } from '../../actors/model/log-entry.js';

const now = Date.UTC(2025, 9, 26, 12, 0, 0);
const parse = (s: string) => parseLine(s, { now });

test('pino: numeric level, msg, epoch-ms time; other keys stay', () => {
  const p = parse('{"level":30,"time":1761402600123,"pid":7,"hostname":"api-1","reqId":"req-1","msg":"request completed","responseTime":12}');
  assert.is(p.level, Level.INFO);
  assert.is(p.message, 'request completed');
  assert.is(p.time, '2025-10-25T14:30:00.123Z');
  assert.equal(p.fields, { pid: 7, hostname: 'api-1', reqId: 'req-1', responseTime: 12 });
  assert.is(parse('{"level":50,"msg":"x"}').level, Level.ERROR);
  assert.is(parse('{"level":60,"msg":"x"}').level, Level.CRITICAL);
});

test('bunyan: v, hostname, pid stay; ISO time', () => {
  const p = parse('{"name":"api","hostname":"h1","pid":12,"level":40,"msg":"slow query","time":"2025-10-25T14:30:00.456Z","v":0}');
  assert.is(p.level, Level.WARNING);
  assert.is(p.time, '2025-10-25T14:30:00.456Z');
  assert.equal(p.fields, { name: 'api', hostname: 'h1', pid: 12, v: 0 });
});

test('zap: float seconds ts', () => {
  const p = parse('{"level":"info","ts":1761402600.123456,"caller":"server/main.go:42","msg":"server started","port":8080}');
  assert.is(p.level, Level.INFO);
  assert.is(p.message, 'server started');
  assert.is(p.time, '2025-10-25T14:30:00.123456Z');
  assert.equal(p.fields, { caller: 'server/main.go:42', port: 8080 });
});

test('logrus: "warning" level, RFC 3339 time with offset', () => {
  const p = parse('{"level":"warning","msg":"disk almost full","time":"2025-10-25T16:30:00+02:00","path":"/data"}');
  assert.is(p.level, Level.WARNING);
  assert.is(p.time, '2025-10-25T14:30:00.000Z');
  assert.equal(p.fields, { path: '/data' });
});

test('zerolog: message key', () => {
  const p = parse('{"level":"debug","service":"auth","time":"2025-10-25T14:30:00Z","message":"token cache warmed"}');
  assert.is(p.level, Level.DEBUG);
  assert.is(p.message, 'token cache warmed');
  assert.equal(p.fields, { service: 'auth' });
});

test('structlog: event and timestamp', () => {
  const p = parse('{"event":"user logged in","level":"info","logger":"app.auth","timestamp":"2025-10-25T14:30:00.123456Z","user_id":42}');
  assert.is(p.message, 'user logged in');
  assert.is(p.time, '2025-10-25T14:30:00.123456Z');
  assert.equal(p.fields, { logger: 'app.auth', user_id: 42 });
});

test('Serilog CLEF: @mt rendered, @l absent means Information, 7 digits kept', () => {
  const p = parse(
    '{"@t":"2025-10-25T14:30:00.1234567Z","@mt":"Processed {@Position} in {Elapsed:000} ms by {$User}","Position":{"Lat":25,"Long":134},"Elapsed":34,"User":"ann"}',
  );
  assert.is(p.level, Level.INFO);
  assert.is(p.message, 'Processed {"Lat":25,"Long":134} in 34 ms by ann');
  assert.is(p.time, '2025-10-25T14:30:00.1234567Z');
  assert.equal(p.fields, { Position: { Lat: 25, Long: 134 }, Elapsed: 34, User: 'ann' });
  const q = parse('{"@t":"2025-10-25T14:30:00Z","@m":"Disk quota exceeded","@l":"Warning","@x":"System.IO.IOException: full"}');
  assert.is(q.level, Level.WARNING);
  assert.is(q.message, 'Disk quota exceeded');
  assert.equal(q.fields, { '@x': 'System.IO.IOException: full' });
  assert.is(parse('{"@t":"2025-10-25T14:30:00Z","@mt":"x","@l":"Verbose"}').level, Level.TRACE);
});

test('renderTemplate: escapes, alignment, missing properties', () => {
  assert.is(renderTemplate('{{literal}} {A,5} {Missing} }}', { A: 'x' }), '{literal} x {Missing} }');
  assert.is(renderTemplate('no holes', {}), 'no holes');
  assert.is(renderTemplate('{0} and {1}', { 0: 'a', 1: 2 }), 'a and 2');
});

test('ECS: dotted log.level, @timestamp, message', () => {
  const p = parse('{"@timestamp":"2025-10-25T14:30:00.000Z","log.level":"error","message":"upstream timed out","service.name":"gateway","ecs.version":"1.6.0"}');
  assert.is(p.level, Level.ERROR);
  assert.is(p.message, 'upstream timed out');
  assert.is(p.time, '2025-10-25T14:30:00.000Z');
  assert.equal(p.fields, { 'service.name': 'gateway', 'ecs.version': '1.6.0' });
});

test('ECS nested log object: level taken, the rest of log kept', () => {
  const p = parse('{"@timestamp":"2025-10-25T14:30:00Z","log":{"level":"warn","logger":"db"},"message":"slow"}');
  assert.is(p.level, Level.WARNING);
  assert.equal(p.fields, { log: { logger: 'db' } });
});

test('python-json-logger: levelname, message, asctime', () => {
  const p = parse('{"asctime":"2025-10-25 14:30:00,123","name":"app.db","levelname":"WARNING","message":"retrying connection"}');
  assert.is(p.level, Level.WARNING);
  assert.is(p.message, 'retrying connection');
  assert.is(p.time, '2025-10-25T14:30:00.123Z');
  assert.equal(p.fields, { name: 'app.db' });
});

test('generic severity / lvl / loglevel keys', () => {
  assert.is(parse('{"severity":"ERROR","msg":"a"}').level, Level.ERROR);
  assert.is(parse('{"lvl":"dbug","msg":"a"}').level, Level.INFO); // unknown value: default, key kept
  assert.equal(parse('{"lvl":"dbug","msg":"a"}').fields, { lvl: 'dbug' });
  assert.is(parse('{"lvl":"crit","msg":"a"}').level, Level.CRITICAL);
  assert.is(parse('{"loglevel":"debug","msg":"a"}').level, Level.DEBUG);
});

test('no level but an error/stack field: ERROR, and the field stays', () => {
  const p = parse('{"msg":"request failed","err":{"type":"Error","message":"boom","stack":"Error: boom\\n    at x"}}');
  assert.is(p.level, Level.ERROR);
  assert.ok(p.fields && 'err' in p.fields);
  assert.is(parse('{"msg":"x","exc_info":"Traceback ..."}').level, Level.ERROR);
  assert.is(parse('{"msg":"x","error":null}').level, Level.INFO);
  // An explicit level wins over the error field.
  assert.is(parse('{"level":"warn","msg":"x","error":"e"}').level, Level.WARNING);
});

test('no message key: the raw line is the message', () => {
  const raw = '{"level":30,"time":1761402600123,"reqId":"r1","status":200}';
  const p = parse(raw);
  assert.is(p.message, raw);
  assert.equal(p.fields, { reqId: 'r1', status: 200 });
});

test('time that is not a time stays a field', () => {
  const p = parse('{"msg":"done","time":35}');
  assert.is(p.time, undefined);
  assert.equal(p.fields, { time: 35 });
});

test('broken JSON, arrays and scalars fall back to plain text', () => {
  const p = parse('{"level":"info","msg":"cut off');
  assert.is(p.message, '{"level":"info","msg":"cut off');
  assert.is(p.level, Level.INFO);
  assert.is(parse('{not json}').message, '{not json}');
  assert.is(parse('[1,2,3]').message, '[1,2,3]');
  assert.is(parse('{"a":1} trailing').message, '{"a":1} trailing');
});

test('__proto__ keys do not change the prototype of fields', () => {
  const p = parse('{"msg":"x","__proto__":{"polluted":true}}');
  assert.ok(p.fields && Object.prototype.hasOwnProperty.call(p.fields, '__proto__'));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is(Object.getPrototypeOf(p.fields), Object.prototype);
});

test.run();
