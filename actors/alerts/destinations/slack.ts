/**
 * Slack incoming webhook: `text` (the notification fallback) plus `blocks` — a header, the message
 * in a code block, the facts as context, and a button to the lines. Within Block Kit's limits:
 * header 150 characters, section text 3000.
 */
import { clockOf, truncate, type AlertNotification } from '../alert-model.js';
import { viewLink, type WireContext, type WireRequest } from './wire-context.js';

const EMOJI: Record<string, string> = { critical: ':rotating_light:', error: ':red_circle:', warning: ':warning:', info: ':information_source:' };

export function slackBody(n: AlertNotification, ctx: WireContext): { text: string; blocks: unknown[] } {
  const link = viewLink(n, ctx);
  const head = `${n.status === 'resolved' ? ':white_check_mark:' : (EMOJI[n.severity] ?? '')} ${n.title}`;
  const facts = [`*rule* ${n.rule}`, `*service* ${n.service}`, `*severity* ${n.severity}`, `*host* ${ctx.host}`];
  if (n.container) facts.push(`*container* ${n.container.name}`);
  if (n.level) facts.push(`*level* ${n.level}`);
  if (n.suppressed > 0 && n.suppressedSinceMs !== undefined) facts.push(`${n.suppressed} more since ${clockOf(n.suppressedSinceMs)}`);
  const code = '```' + truncate(n.message.replace(/```/g, "'''"), 2900) + '```';
  return {
    text: truncate(head, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(n.title, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: code } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(facts.join(' · '), 3000) }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Show the lines' }, url: truncate(link, 3000) }] },
    ],
  };
}

export const slackRequest = (n: AlertNotification, ctx: WireContext): WireRequest => ({ path: '', body: JSON.stringify(slackBody(n, ctx)), contentType: 'application/json' });
