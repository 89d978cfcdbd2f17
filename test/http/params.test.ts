import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level } from '../../actors/model/log-entry.js';
import { ParamError } from '../../http/http-error.js';
import { parseFilter, parseLiveParams, parseLogQuery, parseWindow } from '../../http/params.js';

const test = suite('http params');

const NOW = Date.parse('2024-05-01T12:00:00Z');
const LIMITS = { defaultLimit: 100, maxLimit: 1000 };
const q = (s: string) => parseLogQuery(new URLSearchParams(s), NOW, LIMITS);

/** Asserts that `fn` throws a ParamError naming `parameter`, whose message names it too. */
function refuses(fn: () => unknown, parameter: string): ParamError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ParamError);
    const pe = e as ParamError;
    assert.is(pe.parameter, parameter);
    assert.is(pe.status, 400);
    assert.ok(pe.message.startsWith(`${parameter}:`), pe.message);
    assert.equal(pe.body(), { error: pe.message, parameter });
    return pe;
  }
  assert.unreachable(`expected a 400 naming ${parameter}`);
  throw new Error('unreachable');
}

test('no parameters: the default limit and no filter', () => {
  assert.equal(q(''), { limit: 100 });
});

test('unknown parameters are ignored', () => {
  assert.equal(q('colour=blue&token=x'), { limit: 100 });
});

test('service: one name or a comma list, trimmed and deduplicated', () => {
  assert.equal(q('service=api').services, ['api']);
  assert.equal(q('service=api,%20worker,,api').services, ['api', 'worker']);
  refuses(() => q('service=,'), 'service');
  refuses(() => q('service='), 'service');
});

test('a parameter given twice is refused, naming it', () => {
  const e = refuses(() => q('service=a&service=b'), 'service');
  assert.match(e.message, /comma list/);
  refuses(() => q('limit=1&limit=2'), 'limit');
});

test('level: any case, with aliases', () => {
  const cases: [string, Level][] = [
    ['trace', Level.TRACE],
    ['DEBUG', Level.DEBUG],
    ['Info', Level.INFO],
    ['warn', Level.WARNING],
    ['WARN', Level.WARNING],
    ['warning', Level.WARNING],
    ['err', Level.ERROR],
    ['ERROR', Level.ERROR],
    ['crit', Level.CRITICAL],
    ['fatal', Level.CRITICAL],
    ['CRITICAL', Level.CRITICAL],
  ];
  for (const [raw, level] of cases) assert.is(q(`level=${raw}`).minLevel, level, raw);
  refuses(() => q('level=loud'), 'level');
  refuses(() => q('level=40'), 'level');
  refuses(() => q('level='), 'level');
});

test('since/until: durations before now', () => {
  assert.is(q('since=30s').sinceMs, NOW - 30_000);
  assert.is(q('since=5m').sinceMs, NOW - 300_000);
  assert.is(q('since=1h').sinceMs, NOW - 3_600_000);
  assert.is(q('since=1d').sinceMs, NOW - 86_400_000);
  assert.is(q('since=2w').sinceMs, NOW - 2 * 604_800_000);
  assert.is(q('since=1.5h').sinceMs, NOW - 5_400_000);
  assert.is(q('until=0s').untilMs, NOW);
});

test('since/until: ISO-8601 (UTC without an offset) and epoch seconds', () => {
  assert.is(q('since=2024-05-01T10:00:00Z').sinceMs, Date.parse('2024-05-01T10:00:00Z'));
  assert.is(q('since=2024-05-01T10:00:00.250%2B02:00').sinceMs, Date.parse('2024-05-01T08:00:00.250Z'));
  assert.is(q('since=2024-05-01T10:00:00').sinceMs, Date.parse('2024-05-01T10:00:00Z'));
  assert.is(q('since=2024-05-01').sinceMs, Date.parse('2024-05-01T00:00:00Z'));
  assert.is(q('since=1714564800').sinceMs, 1714564800_000);
  assert.is(q('since=1714564800.25').sinceMs, 1714564800_250);
  assert.is(q('until=1714564800').untilMs, 1714564800_000);
});

test('since/until: anything else is refused, naming the parameter', () => {
  for (const bad of ['yesterday', '5 minutes', '-5m', '5y', '2024-02-30', '2024-13-01T00:00:00Z', '1714564800000', '']) {
    const e = refuses(() => q(`since=${encodeURIComponent(bad)}`), 'since');
    assert.match(e.message, /30s|epoch/);
  }
  refuses(() => q('until=soon'), 'until');
  refuses(() => q('since=1h&until=2h'), 'since');
});

test('limit: default, clamped to the maximum, non-integers and < 1 refused', () => {
  assert.is(q('limit=50').limit, 50);
  assert.is(q('limit=1000').limit, 1000);
  assert.is(q('limit=5000').limit, 1000);
  assert.is(q('limit=99999999999999999999').limit, 1000);
  for (const bad of ['0', '-1', '1.5', 'ten', '', '1e3']) refuses(() => q(`limit=${bad}`), 'limit');
});

test('search, container, cursor are passed on; empty ones mean no filter', () => {
  assert.equal(q('search=timeout&container=web-1&cursor=abc'), { limit: 100, search: 'timeout', container: 'web-1', cursor: 'abc' });
  assert.equal(q('search=&container=&cursor='), { limit: 100 });
  refuses(() => q(`search=${'x'.repeat(2000)}`), 'search');
});

test('regex: validated by the safe engine', () => {
  assert.is(q('regex=' + encodeURIComponent('(?i)time(out)?\\s+\\d+')).regex, '(?i)time(out)?\\s+\\d+');
  refuses(() => q('regex=' + encodeURIComponent('(unclosed')), 'regex');
  refuses(() => q('regex=' + encodeURIComponent('(a)\\1')), 'regex');
});

test('stream: stdout or stderr, any case', () => {
  assert.is(q('stream=stdout').stream, 'stdout');
  assert.is(q('stream=STDERR').stream, 'stderr');
  refuses(() => q('stream=both'), 'stream');
});

test('order: asc or desc', () => {
  assert.is(q('order=asc').order, 'asc');
  assert.is(q('order=DESC').order, 'desc');
  refuses(() => q('order=newest'), 'order');
});

test('parseFilter and parseWindow alone', () => {
  assert.equal(parseFilter(new URLSearchParams('service=a&level=warn&stream=stderr&since=1h')), { services: ['a'], minLevel: Level.WARNING, stream: 'stderr' });
  assert.equal(parseWindow(new URLSearchParams('since=1h&until=30m&service=x'), NOW), { sinceMs: NOW - 3_600_000, untilMs: NOW - 1_800_000 });
});

test('live parameters: the filters and tail (0 by default, clamped above, negatives refused)', () => {
  const live = (s: string) => parseLiveParams(new URLSearchParams(s), 1000);
  assert.equal(live(''), { filter: {}, tail: 0 });
  assert.equal(live('service=api&tail=10'), { filter: { services: ['api'] }, tail: 10 });
  assert.is(live('tail=0').tail, 0);
  assert.is(live('tail=5000').tail, 1000);
  refuses(() => live('tail=-1'), 'tail');
  refuses(() => live('tail=all'), 'tail');
  refuses(() => live('level=nope'), 'level');
});

test.run();
