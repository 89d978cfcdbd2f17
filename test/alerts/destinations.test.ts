/** Each destination's wire format: the documented shape and the receivers' limits (Discord with a 50 KB message). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AlertNotification } from '../../actors/alerts/alert-model.js';
import { alertmanagerAlert } from '../../actors/alerts/destinations/alertmanager.js';
import { discordBody, DISCORD_LIMITS } from '../../actors/alerts/destinations/discord.js';
import { ntfyBody } from '../../actors/alerts/destinations/ntfy.js';
import { slackBody } from '../../actors/alerts/destinations/slack.js';
import { webhookPayload } from '../../actors/alerts/destinations/webhook-payload.js';

const test = suite('alert-destinations');
const T = Date.UTC(2026, 0, 1, 14, 30, 5);
const ctx = { host: 'docker-host-1', linkBaseUrl: 'https://logs.example.com/' };

const n = (over: Partial<AlertNotification> = {}): AlertNotification => ({
  id: 'critical_line|api|abc|1',
  rule: 'critical_line',
  kind: 'event',
  status: 'firing',
  severity: 'critical',
  service: 'api',
  group: 'abc',
  container: { id: 'f'.repeat(64), name: 'api-1' },
  level: 'CRITICAL',
  title: 'CRITICAL in api: database unreachable',
  message: 'database unreachable',
  count: 50,
  suppressed: 49,
  suppressedSinceMs: T,
  firstSeenMs: T,
  lastSeenMs: T + 1000,
  startsAtMs: T + 1000,
  endsAtMs: T + 301_000,
  query: { service: 'api', level: 'critical', since: new Date(T).toISOString() },
  ...over,
});

test('generic webhook: versioned payload with every documented field', () => {
  const p = webhookPayload(n(), ctx);
  assert.is(p.version, 1);
  assert.equal(Object.keys(p).sort(), ['container', 'count', 'ends_at', 'first_seen', 'host', 'id', 'kind', 'last_seen', 'level', 'link', 'message', 'rule', 'service', 'severity', 'starts_at', 'status', 'summary', 'suppressed', 'suppressed_since', 'test', 'title', 'version']);
  assert.equal(p.container, { id: 'ffffffffffff', name: 'api-1' });
  assert.is(p.host, 'docker-host-1');
  assert.is(p.suppressed, 49);
  assert.is(p.link, 'https://logs.example.com/?service=api&level=critical&since=2026-01-01T14%3A30%3A05.000Z');
});

test('Slack: text plus blocks, within Block Kit limits', () => {
  const b = slackBody(n({ message: 'x'.repeat(50_000), title: 't'.repeat(400) }), ctx);
  assert.type(b.text, 'string');
  const blocks = b.blocks as { type: string; text?: { text: string } }[];
  assert.equal(blocks.map((x) => x.type), ['header', 'section', 'context', 'actions']);
  assert.ok(blocks[0]!.text!.text.length <= 150);
  assert.ok(blocks[1]!.text!.text.length <= 3000);
});

test('Discord: content plus embeds, within every limit, also with a 50 KB message', () => {
  for (const message of ['short', 'é'.repeat(50_000), 'x'.repeat(51_200)]) {
    const b = discordBody(n({ message, title: 'T'.repeat(1000) }), ctx) as { content: string; username: string; embeds: { title: string; description: string; fields: { name: string; value: string }[]; footer: { text: string } }[] };
    assert.ok(b.content.length <= DISCORD_LIMITS.content);
    assert.ok(b.username.length >= 1 && b.username.length <= 80);
    assert.ok(b.embeds.length >= 1 && b.embeds.length <= 10);
    const e = b.embeds[0]!;
    assert.ok(e.title.length <= DISCORD_LIMITS.title);
    assert.ok(e.description.length <= DISCORD_LIMITS.description);
    assert.ok(e.fields.length <= DISCORD_LIMITS.fields);
    for (const f of e.fields) assert.ok(f.value.length <= DISCORD_LIMITS.fieldValue && f.value.length > 0);
    const total = e.title.length + e.description.length + e.footer.text.length + e.fields.reduce((s, f) => s + f.name.length + f.value.length, 0);
    assert.ok(total <= DISCORD_LIMITS.total, `total ${total}`);
  }
});

test('ntfy: JSON to the server root with topic, title, priority from the severity, tags, click', () => {
  const { url, body } = ntfyBody(n({ message: '€'.repeat(10_000) }), ctx, 'https://ntfy.example.com/alerts-topic');
  assert.is(url, 'https://ntfy.example.com/');
  assert.is(body.topic, 'alerts-topic');
  assert.is(body.priority, 5);
  assert.ok((body.tags as string[]).includes('rotating_light'));
  assert.ok(Buffer.byteLength(body.message as string) <= 4096);
  assert.match(body.click as string, /^https:\/\/logs\.example\.com\/\?/);
  assert.is(ntfyBody(n({ severity: 'warning' }), ctx, 'http://h/t').body.priority, 3);
});

test('Alertmanager: labels, annotations, startsAt, endsAt for events and resolved states, generatorURL', () => {
  const a = alertmanagerAlert(n(), ctx);
  assert.equal(a.labels, { alertname: 'critical_line', service: 'api', severity: 'critical', container: 'api-1', group: 'abc', host: 'docker-host-1' });
  assert.equal(Object.keys(a.annotations), ['summary', 'description']);
  assert.is(a.startsAt, new Date(T + 1000).toISOString());
  assert.is(a.endsAt, new Date(T + 301_000).toISOString());
  assert.match(a.generatorURL, /^https:\/\/logs\.example\.com\/\?/);
  const state = alertmanagerAlert(n({ kind: 'state', rule: 'error_rate_spike', endsAtMs: undefined }), ctx);
  assert.is(state.endsAt, undefined);
});

test.run();
