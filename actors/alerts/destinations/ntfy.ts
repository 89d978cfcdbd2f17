/**
 * ntfy: the destination is a topic URL (`https://ntfy.sh/mytopic`); the notification is published as
 * JSON to the server's root (`{topic, title, message, priority, tags, click}`), which carries UTF-8
 * titles that headers cannot. Priority from the severity (critical 5 … info 2); the message is cut
 * below ntfy's 4096-byte limit, past which it would become an attachment.
 */
import { truncate, type AlertNotification } from '../alert-model.js';
import { viewLink, type WireContext, type WireRequest } from './wire-context.js';

export const NTFY_PRIORITY: Record<string, number> = { critical: 5, error: 4, warning: 3, info: 2 };
const TAG: Record<string, string> = { critical: 'rotating_light', error: 'red_circle', warning: 'warning', info: 'information_source' };
export const NTFY_MAX_MESSAGE_BYTES = 4000;

/** Cuts to at most `max` UTF-8 bytes. */
function truncateBytes(text: string, max: number): string {
  let t = text;
  let chars = Math.min(t.length, max);
  while (Buffer.byteLength(t) > max) t = truncate(text, (chars = Math.floor(chars * 0.9)));
  return t;
}

export function ntfyBody(n: AlertNotification, ctx: WireContext, topicUrl: string): { url: string; body: Record<string, unknown> } {
  const u = new URL(topicUrl);
  const topic = u.pathname.replace(/^\/+|\/+$/g, '');
  const root = `${u.protocol}//${u.host}/`;
  const tags = [n.status === 'resolved' ? 'white_check_mark' : (TAG[n.severity] ?? 'bell'), n.rule, n.service];
  return {
    url: root,
    body: {
      topic,
      title: truncate(n.title, 250),
      message: truncateBytes(`${n.message}\n\nhost ${ctx.host}${n.container ? ` · container ${n.container.name}` : ''}${n.suppressed > 0 ? ` · ${n.suppressed} more suppressed` : ''}`, NTFY_MAX_MESSAGE_BYTES),
      priority: n.status === 'resolved' ? 2 : (NTFY_PRIORITY[n.severity] ?? 3),
      tags,
      click: viewLink(n, ctx),
    },
  };
}

export function ntfyRequest(n: AlertNotification, ctx: WireContext, topicUrl: string): WireRequest {
  const { url, body } = ntfyBody(n, ctx, topicUrl);
  return { path: '', url, body: JSON.stringify(body), contentType: 'application/json' };
}
