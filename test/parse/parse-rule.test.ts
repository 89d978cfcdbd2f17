import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRule } from '../../actors/parse/compiled-rule.js';
import { ruleFor, ruleFromLabels } from '../../actors/parse/parse-rule.js';
import { createLinePipeline, type PipelineOutput } from '../../actors/parse/pipeline.js';
import { Level } from '../../actors/model/log-entry.js';

const pipe = (labels: Record<string, string>) => createLinePipeline({ rule: compileRule(ruleFromLabels(labels)), quietMs: 100 });
const feed = (labels: Record<string, string>, lines: string[]): PipelineOutput[] => {
  const p = pipe(labels);
  const out: PipelineOutput[] = [];
  lines.forEach((l, i) => out.push(...p.push('stdout', l, `ts${i}`, i)));
  out.push(...p.flush());
  return out;
};

test('labels → rule; empty values ignored', () => {
  assert.equal(ruleFromLabels({ 'logagg.parser': ' regex ', 'logagg.pattern': '(?<message>.*)', 'logagg.service': 'billing', 'logagg.redact': '', other: 'x' }), {
    parser: 'regex',
    pattern: '(?<message>.*)',
    service: 'billing',
  });
});

test('regex parser: time, level, message groups; other groups are fields; unmatched lines stay plain text', () => {
  const out = feed({ 'logagg.parser': 'regex', 'logagg.pattern': '^(?<time>\\S+ \\S+) (?<level>\\w+) \\[(?P<thread>[^\\]]+)\\] (?<message>.*)$' }, [
    '2025-10-25 14:30:00.123 warn [main-7] disk almost full',
    'no match here',
  ]);
  assert.equal(out[0]!.parsed, { level: Level.WARNING, message: 'disk almost full', time: '2025-10-25T14:30:00.123Z', fields: { thread: 'main-7' } });
  assert.is(out[1]!.parsed.message, 'no match here');
  assert.is(out[1]!.parsed.level, Level.INFO);
});

test('forced parsers: json and logfmt; plain keeps a JSON line as text', () => {
  assert.is(feed({ 'logagg.parser': 'json' }, ['{"level":"error","msg":"boom"}'])[0]!.parsed.level, Level.ERROR);
  assert.equal(feed({ 'logagg.parser': 'logfmt' }, ['level=warn msg="slow" ms=12'])[0]!.parsed, { level: Level.WARNING, message: 'slow', fields: { ms: '12' } });
  assert.is(feed({ 'logagg.parser': 'plain' }, ['{"level":"error","msg":"boom"}'])[0]!.parsed.message, '{"level":"error","msg":"boom"}');
});

test('parse outcomes are counted, unmatched ones apart', () => {
  const p = pipe({ 'logagg.parser': 'json' });
  p.push('stdout', '{"msg":"a"}', 't1', 1);
  p.push('stdout', 'not json', 't2', 2);
  p.flush();
  const c = p.counts();
  assert.is(c.json, 1);
  assert.is(c.unmatched, 1);
});

test('multiline.start: a matching line starts an entry, the lines in between continue it', () => {
  const out = feed({ 'logagg.multiline.start': '^\\d{4}-\\d{2}-\\d{2}' }, [
    '2025-10-25 14:30:00 ERROR query failed',
    '  detail: relation "x" does not exist',
    '  hint: check the schema',
    '2025-10-25 14:30:01 INFO next',
  ]);
  assert.is(out.length, 2);
  assert.is(out[0]!.parsed.message, 'query failed\n  detail: relation "x" does not exist\n  hint: check the schema');
  assert.is(out[0]!.parsed.level, Level.ERROR);
  assert.is(out[0]!.dockerTs, 'ts0');
  assert.is(out[1]!.parsed.message, 'next');
});

test('redact label: every match replaced in message and fields, counted', () => {
  const p = pipe({ 'logagg.redact': 'acct-\\d+' });
  const [o] = p.push('stdout', '{"msg":"charged acct-1234","payer":"acct-99"}', 't', 1);
  assert.is(o!.parsed.message, 'charged [REDACTED]');
  assert.equal(o!.parsed.fields, { payer: '[REDACTED]' });
  assert.is(p.counts().redactions, 2);
});

test('bad values never throw: default parser/joiner, each problem named', () => {
  const r = compileRule(ruleFromLabels({ 'logagg.parser': 'regex', 'logagg.pattern': '(unclosed', 'logagg.multiline.start': '(a)\\1', 'logagg.redact': '(?<=x)y' }));
  assert.is(r.parser, 'auto');
  assert.is(r.multilineStart, undefined);
  assert.is(r.redact, undefined);
  assert.is(r.errors.length, 3);
  assert.match(r.errors[0]!, /^logagg\.pattern: invalid regex.*default parser/);
  assert.match(r.errors[1]!, /^logagg\.multiline\.start: .*joined as by default/);
  assert.match(r.errors[2]!, /^logagg\.redact: /);
  assert.match(compileRule({ parser: 'xml' }).errors[0]!, /logagg\.parser: expected one of/);
  assert.match(compileRule({ parser: 'regex' }).errors[0]!, /logagg\.pattern: required/);
  // A catastrophic pattern compiles only for a linear-time engine: it cannot stall a follower.
  const slow = compileRule({ pattern: '^(a+)+$' });
  assert.is(slow.parser, 'regex');
  const t0 = performance.now();
  slow.pattern!.groups('a'.repeat(5000) + '!');
  assert.ok(performance.now() - t0 < 500);
});

test('(?i) patterns run on RE2 with named groups', () => {
  const out = feed({ 'logagg.pattern': '(?i)^(?P<level>warn|error): (?P<message>.*)$' }, ['WARN: low disk']);
  assert.equal(out[0]!.parsed, { level: Level.WARNING, message: 'low disk' });
});

test('file rules by service or name glob, labels win', () => {
  const c = { name: 'shop-api-1', service: 'api', labels: { 'logagg.parser': 'json' } };
  const rule = ruleFor(c, [
    { match: { service: 'api' }, rule: { parser: 'logfmt', redact: 'x' }, origin: 'a' },
    { match: { container: 'shop-*' }, rule: { multilineStart: '^\\S' }, origin: 'b' },
    { match: { container: 'other-*' }, rule: { service: 'nope' }, origin: 'c' },
  ]);
  assert.equal(rule, { parser: 'json', redact: 'x', multilineStart: '^\\S' });
});

test.run();
