/**
 * Discord webhook: `content` plus one embed, within Discord's limits (content ≤ 2000 characters,
 * title ≤ 256, description ≤ 4096, ≤ 25 fields of ≤ 1024, footer ≤ 2048, all embeds ≤ 6000,
 * username 1–80), also for a 50 KB message: the description is cut to what the total leaves.
 */
import { clockOf, isoOf, truncate, type AlertNotification } from '../alert-model.js';
import { viewLink, type WireContext, type WireRequest } from './wire-context.js';

const COLOR: Record<string, number> = { critical: 0xd32f2f, error: 0xf57c00, warning: 0xfbc02d, info: 0x1976d2 };
export const DISCORD_LIMITS = { content: 2000, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 };

export function discordBody(n: AlertNotification, ctx: WireContext): Record<string, unknown> {
  const link = viewLink(n, ctx);
  const fields: { name: string; value: string; inline: boolean }[] = [
    { name: 'service', value: n.service, inline: true },
    { name: 'severity', value: n.severity, inline: true },
    { name: 'rule', value: n.rule, inline: true },
  ];
  if (n.container) fields.push({ name: 'container', value: n.container.name, inline: true });
  if (n.level) fields.push({ name: 'level', value: n.level, inline: true });
  if (n.suppressed > 0 && n.suppressedSinceMs !== undefined) fields.push({ name: 'suppressed', value: `${n.suppressed} more since ${clockOf(n.suppressedSinceMs)}`, inline: true });
  for (const f of fields) {
    f.name = truncate(f.name, DISCORD_LIMITS.fieldName);
    f.value = truncate(f.value || '-', DISCORD_LIMITS.fieldValue);
  }
  const title = truncate((n.status === 'resolved' ? '✅ ' : '') + n.title, DISCORD_LIMITS.title);
  const footer = truncate(`logagg on ${ctx.host}`, DISCORD_LIMITS.footer);
  const used = title.length + footer.length + fields.reduce((s, f) => s + f.name.length + f.value.length, 0);
  // The description takes what is left of the 6000, less the code fences.
  const room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - used - 100);
  const description = '```\n' + truncate(n.message.replace(/```/g, "'''"), Math.max(0, room - 8)) + '\n```';
  const embed: Record<string, unknown> = { title, description, color: COLOR[n.severity] ?? 0x9e9e9e, fields, timestamp: isoOf(n.lastSeenMs), footer: { text: footer } };
  if (link.length <= 2048) embed.url = link;
  return { username: 'logagg', content: truncate(`${n.status === 'resolved' ? 'Resolved' : n.severity.toUpperCase()}: ${n.title}`, DISCORD_LIMITS.content), embeds: [embed], allowed_mentions: { parse: [] } };
}

export const discordRequest = (n: AlertNotification, ctx: WireContext): WireRequest => ({ path: '', body: JSON.stringify(discordBody(n, ctx)), contentType: 'application/json' });
