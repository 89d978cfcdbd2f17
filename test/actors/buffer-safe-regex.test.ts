import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSafeRegex, MAX_REGEX_LENGTH, type SafeRegex } from '../../actors/buffer/safe-regex.js';

const test = suite('buffer-safe-regex');

function ok(pattern: string): SafeRegex {
  const r = compileSafeRegex(pattern);
  if ('error' in r) throw new Error(`${pattern}: ${r.error}`);
  return r;
}

function error(pattern: string): string {
  const r = compileSafeRegex(pattern);
  assert.ok('error' in r, `${pattern} should be refused`);
  return (r as { error: string }).error;
}

test('JS syntax: classes, alternation, anchors, named groups; case-sensitive', () => {
  const r = ok('^(GET|POST) /api/v\\d+/(?<thing>\\w+) 5\\d\\d$');
  assert.ok(r.test('GET /api/v1/orders 503'));
  assert.not.ok(r.test('get /api/v1/orders 503'));
  assert.not.ok(r.test('GET /api/v1/orders 200'));
  assert.ok(ok('').test('anything'));
  assert.ok(ok('a.c').test('xxabcxx'), 'unanchored search');
});

test('(?i) prefix: case-insensitive', () => {
  const r = ok('(?i)connection (refused|reset)');
  assert.ok(r.test('ERROR: Connection RESET by peer'));
  assert.not.ok(r.test('connection ok'));
});

test('invalid patterns are refused, saying what is accepted', () => {
  for (const p of ['(unclosed', '[a-', '*a', '(?i)(unclosed', '(?i)[']) assert.match(error(p), /accepted/);
  assert.match(error('(unclosed'), /invalid regex/);
});

test('backreferences and lookaround are refused (not linear-time)', () => {
  for (const p of ['(a)\\1', '(?<x>a)\\k<x>', 'a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b', '(?i)(a)\\1', '(?i)a(?=b)']) error(p);
});

test('large repeat counts RE2 can run are accepted', () => {
  const r = ok('^a{2,1000}$');
  assert.ok(r.test('aaa'));
  assert.not.ok(r.test('a'));
  error('a{1001}');
});

test('too long a pattern is refused', () => {
  assert.match(error('a'.repeat(MAX_REGEX_LENGTH + 1)), /characters/);
  ok('a'.repeat(MAX_REGEX_LENGTH));
});

test('catastrophic patterns complete on long inputs', () => {
  const input = 'a'.repeat(50_000) + '!';
  assert.not.ok(ok('^(a+)+$').test(input));
  assert.not.ok(ok('(a|aa)*c').test(input));
  assert.not.ok(ok('^(a|a)*$').test(input));
  assert.not.ok(ok('(?i)^(A+)+$').test(input));
  assert.ok(ok('^(a+)+$').test('aaaa'));
});

test.run();
