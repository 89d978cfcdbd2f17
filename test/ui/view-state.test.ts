/** The page's URL ↔ view state: defaults, round trips, alert links, the API filters a view asks for. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chartRange, DEFAULT_VIEW, filterParams, normalizeView, parseView, timeMillis, viewQuery, type ViewState } from '../../http/ui/view-state.js';

const test = suite('ui view state');
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

test('an empty query is the live view of everything', () => {
  assert.equal(parseView(''), DEFAULT_VIEW);
  assert.is(viewQuery(DEFAULT_VIEW), '');
});

test('views survive the URL', () => {
  const views: ViewState[] = [
    { ...DEFAULT_VIEW, services: ['api', 'worker'], level: 'error', search: 'time out', container: 'api-1', stream: 'stderr' },
    { ...DEFAULT_VIEW, search: 'user_id=\\d+', regex: true, times: 'absolute' },
    { ...DEFAULT_VIEW, mode: 'history', range: '5m' },
    { ...DEFAULT_VIEW, mode: 'history', range: '1h' },
    { ...DEFAULT_VIEW, mode: 'history', range: '24h', line: 4812 },
    { ...DEFAULT_VIEW, mode: 'history', range: 'all', search: 'x' },
    { ...DEFAULT_VIEW, mode: 'history', range: 'custom', since: '2026-01-01T10:00:00.000Z', until: '2026-01-01T11:00:00.000Z' },
    { ...DEFAULT_VIEW, mode: 'history', range: 'custom', since: '2026-01-01T10:00:00.000Z', until: '' },
  ];
  for (const v of views) assert.equal(parseView(viewQuery(v)), v, viewQuery(v));
  // A live view writes no range; a custom range without ends is the whole window.
  assert.equal(normalizeView({ ...DEFAULT_VIEW, range: '24h' }), DEFAULT_VIEW);
  assert.is(normalizeView({ ...DEFAULT_VIEW, mode: 'history', range: 'custom' }).range, 'all');
});

test("an alert's link (the /logs query) opens the history of exactly those lines", () => {
  const v = parseView('service=api&level=critical&since=2026-01-01T14%3A30%3A05.000Z&until=2026-01-01T14%3A35%3A05.000Z&search=database');
  assert.is(v.mode, 'history');
  assert.is(v.range, 'custom');
  assert.equal(v.services, ['api']);
  assert.is(v.level, 'critical');
  assert.is(v.search, 'database');
  assert.is(filterParams(v).toString(), 'service=api&level=critical&search=database&since=2026-01-01T14%3A30%3A05.000Z&until=2026-01-01T14%3A35%3A05.000Z');
});

test('a link with both a keyword and a pattern (an alert rule may have both) keeps both, to the API and back', () => {
  const v = parseView('search=declined&regex=card%3D%5Cd%2B&since=2026-11-30T14:29:27.123Z&until=2026-11-30T14:31:27.123Z');
  assert.equal([v.search, v.regex, v.keyword], ['card=\\d+', true, 'declined']);
  const p = filterParams(v);
  assert.equal([p.get('regex'), p.get('search'), p.get('since'), p.get('until')], ['card=\\d+', 'declined', '2026-11-30T14:29:27.123Z', '2026-11-30T14:31:27.123Z']);
  assert.equal(parseView(viewQuery(v)), v);
});

test('level aliases and junk', () => {
  assert.is(parseView('level=WARN').level, 'warning');
  assert.is(parseView('level=fatal').level, 'critical');
  assert.is(parseView('level=loud').level, '');
  assert.is(parseView('stream=both').stream, '');
  assert.is(parseView('line=-3').line, undefined);
  assert.is(parseView('line=12abc').line, undefined);
  assert.equal(parseView('service=%20a%20,,b,').services, ['a', 'b']);
  assert.is(parseView('since=5m').range, '5m');
  assert.is(parseView('since=5m&until=1m').range, 'custom');
  assert.is(parseView('view=history').mode, 'history');
  assert.is(parseView('since=1h&view=live').mode, 'live');
});

test('filters: live views carry no time range, history ones do; regex goes in its own parameter', () => {
  const v: ViewState = { ...DEFAULT_VIEW, services: ['a'], search: 'x.*y', regex: true, range: '5m' };
  assert.is(filterParams(v).toString(), 'service=a&regex=x.*y');
  assert.is(filterParams({ ...v, mode: 'history' }).toString(), 'service=a&regex=x.*y&since=5m');
  assert.is(filterParams({ ...v, mode: 'history', range: 'all' }).toString(), 'service=a&regex=x.*y');
});

test('times and the chart range', () => {
  assert.is(timeMillis('30m', NOW), NOW - 30 * 60_000);
  assert.is(timeMillis('1.5h', NOW), NOW - 5_400_000);
  assert.is(timeMillis('1767268800', NOW), 1767268800_000);
  assert.is(timeMillis('2026-01-01T10:00:00', NOW), Date.UTC(2026, 0, 1, 10));
  assert.is(timeMillis('2026-01-01T10:00:00+02:00', NOW), Date.UTC(2026, 0, 1, 8));
  assert.equal(chartRange(DEFAULT_VIEW, NOW), { since: '1h', until: '', rangeMs: 3_600_000 });
  assert.equal(chartRange({ ...DEFAULT_VIEW, mode: 'history', range: '5m' }, NOW), { since: '5m', until: '', rangeMs: 300_000 });
  assert.equal(chartRange({ ...DEFAULT_VIEW, mode: 'history', range: 'custom', since: '2026-01-01T10:00:00.000Z', until: '2026-01-01T11:30:00.000Z' }, NOW).rangeMs, 5_400_000);
});

test.run();
