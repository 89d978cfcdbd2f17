import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FilterError, LogFilter } from '../../actors/model/query-protocol.js';
import { compileFilter, isFilterError, type CompiledFilter } from '../../actors/buffer/log-filter.js';
import { decodeCursor, encodeCursor } from '../../actors/buffer/query-cursor.js';
import { Level } from '../../actors/model/log-entry.js';
import { makeEntry } from '../support/entries.js';

const test = suite('buffer-log-filter');

function compiled(f: LogFilter): CompiledFilter {
  const c = compileFilter(f);
  if (isFilterError(c)) throw new Error(c.error);
  return c;
}

const web = makeEntry({ service: 'web', containerName: '/web-1', level: Level.WARNING, stream: 'stderr', message: 'Upstream TIMED OUT after 30s' });
const db = makeEntry({ service: 'db', containerName: 'db-1', level: Level.INFO, message: 'checkpoint complete' });

test('an empty filter matches everything; empty strings and lists mean not set', () => {
  for (const f of [{}, { services: [] }, { search: '', regex: '', container: '' }]) {
    const c = compiled(f);
    assert.ok(c(web) && c(db));
  }
});

test('each part of the filter, as a predicate', () => {
  const cases: [LogFilter, boolean, boolean][] = [
    [{ services: ['web'] }, true, false],
    [{ services: ['db', 'x'] }, false, true],
    [{ minLevel: Level.WARNING }, true, false],
    [{ minLevel: Level.TRACE }, true, true],
    [{ stream: 'stderr' }, true, false],
    [{ stream: 'stdout' }, false, true],
    [{ search: 'timed out' }, true, false],
    [{ search: 'CHECK' }, false, true],
    [{ search: '30.' }, false, false],
    [{ regex: 'after \\d+s$' }, true, false],
    [{ regex: '(?i)^upstream' }, true, false],
    [{ container: 'web-1' }, true, false],
    [{ container: '/db-1' }, false, true],
    [{ container: db.containerId.slice(0, 6) }, false, true],
    [{ services: ['web'], minLevel: Level.ERROR }, false, false],
  ];
  for (const [f, w, d] of cases) {
    const c = compiled(f);
    assert.is(c(web), w, `${JSON.stringify(f)} web`);
    assert.is(c(db), d, `${JSON.stringify(f)} db`);
  }
});

test('the parts the buffer uses separately', () => {
  const c = compiled({ services: ['web'], minLevel: Level.ERROR, stream: 'stderr', search: 'x' });
  assert.is(c.minLevel, Level.ERROR);
  assert.is(c.stream, 'stderr');
  assert.ok(c.testsMessage);
  assert.ok(c.matchesSource(web));
  assert.not.ok(c.matchesSource(db));
  assert.ok(c.matchesMessage('X marks'));
  assert.not.ok(compiled({}).testsMessage);
});

test('invalid filters name the parameter', () => {
  const cases: [unknown, string][] = [
    [{ regex: '(' }, 'regex'],
    [{ regex: 'a(?=b)' }, 'regex'],
    [{ minLevel: 6 }, 'level'],
    [{ minLevel: 1.5 }, 'level'],
    [{ stream: 'stdin' }, 'stream'],
    [{ services: 'web' }, 'service'],
    [{ services: [1] }, 'service'],
    [{ search: 3 }, 'search'],
    [{ container: {} }, 'container'],
  ];
  for (const [f, parameter] of cases) {
    const r = compileFilter(f as LogFilter);
    assert.ok(isFilterError(r), JSON.stringify(f));
    assert.is((r as FilterError).parameter, parameter);
    assert.type((r as FilterError).error, 'string');
  }
});

test('cursors round-trip; garbage is refused', () => {
  const key = { ms: 1761402600123, ns: 456789, seq: 12345 };
  assert.equal(decodeCursor(encodeCursor(key)), key);
  for (const bad of ['', 'abc', encodeCursor(key).slice(0, 10), Buffer.from('v1:1:2').toString('base64url'), Buffer.from('v1:x:2:3').toString('base64url')]) {
    assert.is(decodeCursor(bad), undefined, bad);
  }
});

test.run();
