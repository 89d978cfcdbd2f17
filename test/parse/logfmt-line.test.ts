import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLine } from '../../actors/parse/parse-line.js';
import { startsWithLogfmtKey } from '../../actors/parse/logfmt-line.js';
import { Level } from '../../actors/model/log-entry.js';

const parse = (s: string) => parseLine(s, { now: Date.UTC(2025, 9, 26) });

test('level, quoted msg, other pairs as fields', () => {
  const p = parse('level=warning msg="disk almost full" path=/data');
  assert.is(p.level, Level.WARNING);
  assert.is(p.message, 'disk almost full');
  assert.equal(p.fields, { path: '/data' });
});

test('logrus text format with time and escapes', () => {
  const p = parse('time="2025-10-25T14:30:00Z" level=error msg="failed: \\"db\\" down\\nretrying" component=db attempt=3');
  assert.is(p.level, Level.ERROR);
  assert.is(p.time, '2025-10-25T14:30:00.000Z');
  assert.is(p.message, 'failed: "db" down\nretrying');
  assert.equal(p.fields, { component: 'db', attempt: '3' });
});

test('go-kit style ts/lvl/caller', () => {
  const p = parse('ts=2025-10-25T14:30:00.123Z lvl=debug caller=main.go:12 msg=started');
  assert.is(p.level, Level.DEBUG);
  assert.is(p.time, '2025-10-25T14:30:00.123Z');
  assert.is(p.message, 'started');
  assert.equal(p.fields, { caller: 'main.go:12' });
});

test('bare keys: true with a msg, message words without one', () => {
  assert.equal(parse('msg=hi debug_mode a=1').fields, { debug_mode: true, a: '1' });
  const p = parse('level=info request handled path=/x');
  assert.is(p.message, 'request handled');
  assert.equal(p.fields, { path: '/x' });
});

test('two pairs without known keys still logfmt; message is the line', () => {
  const p = parse('user=bob action=login');
  assert.is(p.message, 'user=bob action=login');
  assert.equal(p.fields, { user: 'bob', action: 'login' });
});

test('an English line with one = stays plain', () => {
  for (const s of ['Set x=5 for the run', 'x=5 done', 'user=bob logged in from ip=1.2.3.4', 'The result is a=b']) {
    const p = parse(s);
    assert.is(p.message, s);
    assert.is(p.fields, undefined, s);
  }
});

test('logfmt after a leading timestamp', () => {
  const p = parse('2025-10-25T14:30:00.123Z level=error msg="after ts" code=7');
  assert.is(p.level, Level.ERROR);
  assert.is(p.message, 'after ts');
  assert.is(p.time, '2025-10-25T14:30:00.123Z');
  assert.equal(p.fields, { code: '7' });
});

test('gate is cheap and strict', () => {
  assert.ok(startsWithLogfmtKey('level=info', 0));
  assert.ok(!startsWithLogfmtKey('hello world', 0));
  assert.ok(!startsWithLogfmtKey('=x', 0));
  assert.ok(!startsWithLogfmtKey('key=', 0));
  assert.ok(!startsWithLogfmtKey('{"a":1}', 0));
});

test('unterminated quote and empty values do not throw', () => {
  const p = parse('level=info msg="never closed');
  assert.is(p.message, 'never closed');
  assert.equal(parse('level=info msg= a=').fields, { a: '' });
});

test.run();
