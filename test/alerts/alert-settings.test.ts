/** Alert settings: defaults, environment over file, env destinations added, and bad values named. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alertSettings } from '../../actors/alerts/alert-settings.js';
import { ConfigError } from '../../actors/config.js';
import { ConfigFileError, parseConfigFile } from '../../actors/service/config-file.js';

const test = suite('alert-settings');

const throwsNaming = (fn: () => unknown, cls: typeof ConfigError | typeof ConfigFileError, where: string) => {
  try {
    fn();
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, cls);
    assert.ok((e as Error).message.startsWith(`${where}: `), (e as Error).message);
  }
};

test('defaults: CRITICAL, 30/min, 300 s, every built-in rule on, no destinations', () => {
  const s = alertSettings({});
  assert.is(s.minLevel, 5);
  assert.is(s.errorRatePerMin, 30);
  assert.is(s.cooldownMs, 300_000);
  assert.ok(Object.values(s.enabled).every(Boolean));
  assert.equal(s.destinations, []);
});

test('the environment overrides the file; its destinations are added to the file\'s', () => {
  const file = parseConfigFile('alerts:\n  cooldown_seconds: 60\n  min_level: error\n  destinations:\n    - name: ops\n      type: slack\n      url: https://hooks.slack.com/x\n      headers: {Authorization: Bearer t}\n').alerts;
  const s = alertSettings({ ALERT_COOLDOWN_SECONDS: '10', ALERT_WEBHOOK_URL: 'http://127.0.0.1:1/hook', ALERT_ALERTMANAGER_URL: 'http://127.0.0.1:9093' }, file);
  assert.is(s.cooldownMs, 10_000);
  assert.is(s.minLevel, 4);
  assert.equal(s.destinations.map((d) => `${d.name}:${d.type}`), ['ops:slack', 'webhook:webhook', 'alertmanager:alertmanager']);
  assert.equal(s.destinations[0]!.headers, { Authorization: 'Bearer t' });
});

test('bad values name the variable or the path', () => {
  throwsNaming(() => alertSettings({ ALERT_WEBHOOK_URL: 'not a url' }), ConfigError, 'ALERT_WEBHOOK_URL');
  throwsNaming(() => alertSettings({ ALERT_SLACK_WEBHOOK_URL: 'ftp://x/y' }), ConfigError, 'ALERT_SLACK_WEBHOOK_URL');
  throwsNaming(() => alertSettings({ ALERT_MIN_LEVEL: 'LOUD' }), ConfigError, 'ALERT_MIN_LEVEL');
  throwsNaming(() => alertSettings({ ALERT_DISABLED_RULES: 'nope' }), ConfigError, 'ALERT_DISABLED_RULES');
  throwsNaming(() => alertSettings({ ALERT_COOLDOWN_SECONDS: '-1' }), ConfigError, 'ALERT_COOLDOWN_SECONDS');
  const rules = 'alerts:\n  rules:\n    - name: a\n      keyword: x\n    - name: b\n      keyword: y\n    - name: c\n';
  throwsNaming(() => alertSettings({}, parseConfigFile(rules + '      regex: "(a)\\\\1"\n').alerts), ConfigFileError, 'alerts.rules[2].regex');
  throwsNaming(() => parseConfigFile(rules + '      colour: red\n'), ConfigFileError, 'alerts.rules[2].colour');
  throwsNaming(() => alertSettings({}, parseConfigFile(rules + '      destinations: [nowhere]\n').alerts), ConfigFileError, 'alerts.rules[2].destinations');
  throwsNaming(() => alertSettings({}, parseConfigFile('alerts:\n  destinations:\n    - name: x\n      type: webhook\n      url: "mailto:a@b"\n').alerts), ConfigFileError, 'alerts.destinations[0].url');
});

test.run();
