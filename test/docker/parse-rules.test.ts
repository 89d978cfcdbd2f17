/**
 * Per-container parsing rules and time zones against the real engine: labels choose the parser,
 * pattern, multi-line start, service name and redaction; a bad pattern leaves the container collected
 * with the defaults and named in /health; a container with TZ=Europe/Berlin has its offset-less times
 * read in Berlin time, while one without TZ is read as UTC.
 */
import { suite } from 'uvu';
import { ConfigFileError, parseConfigFile } from '../../actors/service/config-file.js';
import { parseRulesFromFile } from '../../actors/parse/parse-config.js';
import * as assert from 'uvu/assert';
import { createServer, type HttpServer } from '../../http/index.js';
import { Level } from '../../actors/model/log-entry.js';
import { removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { uniquePrefix, waitForCount } from '../support/collect-helpers.js';
import { request } from '../support/http-client.js';
import { startTestService, testConfig, type TestService } from '../support/service-harness.js';

const test = suite('parse-rules');
let service: TestService | undefined;
let http: HttpServer | undefined;

if (requireEngine(test)) {
  test.after.each(async () => {
    await http?.close();
    http = undefined;
    await service?.stop();
    service = undefined;
    await removeTestContainers();
  });

  test('config file: rules keyed by container-name glob parse a container without labels; its labels still win', async () => {
    const prefix = uniquePrefix('filerules');
    const file = parseConfigFile(
      [
        'parsing:',
        '  rules:',
        `    - container: "${prefix}-*"`,
        '      parser: regex',
        `      pattern: '^(?P<level>\\w+): (?P<message>.*)$'`,
        '      set_service: from-file',
        `    - container: "${prefix}-own"`,
        "      redact: 'pin=\\d+'",
      ].join('\n'),
    );
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`), { parseRules: parseRulesFromFile(file) })));
    const plain = await runContainer({ name: `${prefix}-a`, script: `echo 'error: disk almost full'; sleep 30` });
    const own = await runContainer({ name: `${prefix}-own`, labels: { 'logagg.service': 'from-label' }, script: `echo 'warning: pin=1234 typed twice'; sleep 30` });
    const [a] = await waitForCount(() => s.query({ container: plain.id }), 1, 'the file-ruled container');
    assert.is(a!.service, 'from-file');
    assert.is(a!.level, Level.ERROR);
    assert.is(a!.message, 'disk almost full');
    const [b] = await waitForCount(() => s.query({ container: own.id }), 1, 'the labelled container');
    assert.is(b!.service, 'from-label', 'the label wins over the file');
    assert.is(b!.level, Level.WARNING);
    assert.is(b!.message, '[REDACTED] typed twice', 'later file rules add to earlier ones');
  });

  test('config file: a rule that cannot work stops startup naming its path', () => {
    const bad = (yaml: string, path: string) => {
      try {
        parseRulesFromFile(parseConfigFile(yaml));
        assert.unreachable('should have thrown');
      } catch (e) {
        assert.instance(e, ConfigFileError);
        assert.is((e as ConfigFileError).path, path, (e as Error).message);
      }
    };
    bad('parsing:\n  rules:\n    - container: "a*"\n      parser: regex\n      pattern: "(unclosed"\n', 'parsing.rules[0].pattern');
    bad('parsing:\n  rules:\n    - service: api\n    - container: "b*"\n      multiline_start: "(?<=x)y"\n', 'parsing.rules[1].multiline_start');
    bad('parsing:\n  rules:\n    - container: "a*"\n      colour: red\n', 'parsing.rules[0].colour');
    bad('parsing:\n  rules:\n    - parser: json\n', 'parsing.rules[0].service');
  });

  test('labels: regex parser with fields, multiline start, service override, redaction; a bad pattern is reported, not fatal', async () => {
    const prefix = uniquePrefix('rules');
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`))));
    await runContainer({
      name: `${prefix}-app`,
      labels: {
        'logagg.parser': 'regex',
        'logagg.pattern': '^(?P<time>\\S+ \\S+) \\| (?P<level>\\w+) \\| (?P<module>\\w+) \\| (?P<message>.*)$',
        'logagg.multiline.start': '^\\d{4}-',
        'logagg.service': 'billing',
        'logagg.redact': 'card=\\d+',
      },
      script: [
        `echo '2025-10-25 14:30:00.250 | warn | payments | charge declined card=4111111111111111'`,
        `echo '    reason: insufficient funds'`,
        `echo '    retry: no'`,
        `echo '2025-10-25 14:30:01.000 | info | payments | done'`,
        'sleep 30',
      ].join('; '),
    });
    await runContainer({ name: `${prefix}-bad`, labels: { 'logagg.parser': 'regex', 'logagg.pattern': '(unclosed' }, script: `echo '{"level":"error","msg":"still parsed as JSON"}'; sleep 30` });

    const billing = await waitForCount(() => s.query({ services: ['billing'] }), 2, 'billing entries');
    assert.is(billing[0]!.service, 'billing');
    assert.is(billing[0]!.containerName, `${prefix}-app`);
    assert.is(billing[0]!.level, Level.WARNING);
    assert.is(billing[0]!.time, '2025-10-25T14:30:00.250Z');
    assert.is(billing[0]!.message, 'charge declined [REDACTED]\n    reason: insufficient funds\n    retry: no');
    assert.equal(billing[0]!.fields, { module: 'payments' });
    assert.is(billing[1]!.message, 'done');

    const bad = await waitForCount(() => s.query({ container: `${prefix}-bad` }), 1, 'the badly labelled container');
    assert.is(bad[0]!.message, 'still parsed as JSON');
    assert.is(bad[0]!.level, Level.ERROR);

    http = createServer(
      { buffer: s.buffer, errors: s.errors, discovery: s.discovery, stats: () => s.system.stats },
      { defaultLimit: 100, maxLimit: 1000, askTimeoutMs: 5000, version: 'test', startedAt: Date.now(), maxClientQueue: 1000 },
    );
    const { port } = await http.listen(0, '127.0.0.1');
    const health = (await request(port, '/health')).body;
    assert.is(health.status, 'healthy', 'a refused rule does not degrade the service');
    assert.is(health.parse_rule_errors.length, 1);
    assert.is(health.parse_rule_errors[0].container, `${prefix}-bad`);
    assert.match(health.parse_rule_errors[0].errors[0], /^logagg\.pattern: invalid regex.*default parser/);
    const page = (await request(port, `/logs?container=${prefix}-app`)).body;
    assert.is(page.logs.find((e: any) => e.message === 'done').timestamp, '2025-10-25T14:30:01.000Z');
  });

  test('TZ=Europe/Berlin: offset-less times read in Berlin (summer and winter); without TZ as UTC; a bad TZ is reported', async () => {
    const prefix = uniquePrefix('tz');
    const s = (service = await startTestService(testConfig(new RegExp(`^${prefix}`))));
    const script = `echo '2025-07-01 12:00:00,123 INFO summer'; echo '2025-01-15 12:00:00 INFO winter'; echo '2025-07-01T12:00:00Z INFO explicit'; sleep 30`;
    await runContainer({ name: `${prefix}-berlin`, env: ['TZ=Europe/Berlin'], script });
    await runContainer({ name: `${prefix}-utc`, script });
    await runContainer({ name: `${prefix}-posix`, env: ['TZ=CET-1CEST'], script });
    const times = async (name: string) => (await waitForCount(() => s.query({ container: name }), 3, name)).map((e) => e.time);
    assert.equal(await times(`${prefix}-berlin`), ['2025-07-01T10:00:00.123Z', '2025-01-15T11:00:00.000Z', '2025-07-01T12:00:00.000Z']);
    assert.equal(await times(`${prefix}-utc`), ['2025-07-01T12:00:00.123Z', '2025-01-15T12:00:00.000Z', '2025-07-01T12:00:00.000Z']);
    assert.equal(await times(`${prefix}-posix`), ['2025-07-01T12:00:00.123Z', '2025-01-15T12:00:00.000Z', '2025-07-01T12:00:00.000Z']);
    const status = await waitFor(async () => (await s.status()).containers.find((c) => c.name === `${prefix}-posix` && c.follower?.parseRuleErrors), { what: 'TZ problem reported' });
    assert.match(status.follower!.parseRuleErrors![0]!, /TZ="CET-1CEST" is not an IANA time zone name/);
  });
}

test.run();
