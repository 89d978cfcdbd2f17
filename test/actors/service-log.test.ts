/** The service's own log: one line per event, text by default, JSON with LOG_FORMAT=json, threshold by LOG_LEVEL. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configureServiceLog, formatLine, serviceLog, serviceLogEnabled } from '../../actors/service-log.js';

const test = suite('service log');

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
let lines: string[] = [];
let restore: (() => void) | undefined;
test.before.each(() => {
  lines = [];
  restore = configureServiceLog({ level: 2, format: 'text', write: (l) => void lines.push(l), now: () => T });
});
test.after.each(() => restore?.());

test('text: time, level, [logagg], message; fields stay out; one line even for a stack', () => {
  serviceLog(2, 'following container api-1', { event: 'container.followed', container: 'api-1' });
  serviceLog(4, 'actor /root/x crashed: Error: boom\n    at f (x.js:1:1)');
  assert.equal(lines, ['2026-01-02T03:04:05.678Z INFO [logagg] following container api-1\n', '2026-01-02T03:04:05.678Z ERROR [logagg] actor /root/x crashed: Error: boom\\n    at f (x.js:1:1)\n']);
});

test('json: one object per line with the fields; undefined fields dropped, reserved keys kept', () => {
  configureServiceLog({ format: 'json' });
  serviceLog(3, 'Docker connection lost: x', { event: 'docker.lost', error: 'x', attempt: undefined, level: 'spoof', message: 'spoof' } as never);
  assert.is(lines.length, 1);
  assert.ok(lines[0]!.endsWith('}\n'));
  assert.equal(JSON.parse(lines[0]!), { time: '2026-01-02T03:04:05.678Z', level: 'WARNING', logger: 'logagg', message: 'Docker connection lost: x', event: 'docker.lost', error: 'x' });
});

test('LOG_LEVEL threshold: DEBUG lines only at DEBUG; serviceLogEnabled agrees', () => {
  serviceLog(1, 'detail');
  assert.is(lines.length, 0);
  assert.is(serviceLogEnabled(1), false);
  configureServiceLog({ level: 1 });
  serviceLog(1, 'detail');
  assert.is(serviceLogEnabled(1), true);
  assert.match(lines[0]!, / DEBUG \[logagg\] detail/);
});

test('formatLine is pure and exhaustive over the formats', () => {
  assert.is(formatLine('text', 't', 5, 'm'), 't CRITICAL [logagg] m');
  assert.equal(JSON.parse(formatLine('json', 't', 0, 'm', { event: 'e' })), { time: 't', level: 'TRACE', logger: 'logagg', message: 'm', event: 'e' });
});

test.run();
