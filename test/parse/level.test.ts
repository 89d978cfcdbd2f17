import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeLevel, levelFromNumber } from '../../actors/parse/level.js';
import { Level } from '../../actors/model/log-entry.js';

test('level names in any case', () => {
  const cases: Array<[string, Level]> = [
    ['trace', Level.TRACE],
    ['Verbose', Level.TRACE],
    ['DEBUG', Level.DEBUG],
    ['dbg', Level.DEBUG],
    ['info', Level.INFO],
    ['Information', Level.INFO],
    ['informational', Level.INFO],
    ['NOTICE', Level.INFO],
    ['warn', Level.WARNING],
    ['Warning', Level.WARNING],
    ['error', Level.ERROR],
    ['ERR', Level.ERROR],
    ['fatal', Level.CRITICAL],
    ['panic', Level.CRITICAL],
    ['emerg', Level.CRITICAL],
    ['Emergency', Level.CRITICAL],
    ['alert', Level.CRITICAL],
    ['crit', Level.CRITICAL],
    ['CRITICAL', Level.CRITICAL],
    ['wArNiNg', Level.WARNING],
    [' info ', Level.INFO],
  ];
  for (const [name, level] of cases) assert.is(normalizeLevel(name), level, name);
});

test('pino/bunyan numbers, in-between numbers round down', () => {
  assert.is(normalizeLevel(10), Level.TRACE);
  assert.is(normalizeLevel(20), Level.DEBUG);
  assert.is(normalizeLevel(30), Level.INFO);
  assert.is(normalizeLevel(40), Level.WARNING);
  assert.is(normalizeLevel(50), Level.ERROR);
  assert.is(normalizeLevel(60), Level.CRITICAL);
  assert.is(normalizeLevel(35), Level.INFO);
  assert.is(normalizeLevel(59), Level.ERROR);
  assert.is(normalizeLevel(100), Level.CRITICAL);
  assert.is(normalizeLevel('40'), Level.WARNING);
});

test('syslog severities below 10 are not guessed', () => {
  for (const n of [0, 1, 3, 4, 6, 7, 9]) assert.is(normalizeLevel(n), undefined, String(n));
  assert.is(levelFromNumber(Number.NaN), undefined);
  assert.is(normalizeLevel('5'), undefined);
});

test('non-levels are undefined', () => {
  for (const v of ['', 'hello', 'infos', null, undefined, {}, [], true, 'x'.repeat(100)]) {
    assert.is(normalizeLevel(v), undefined, JSON.stringify(v));
  }
});

test.run();
