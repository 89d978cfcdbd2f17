/** The wire request of a notification for each kind of destination. */
import type { AlertNotification } from '../alert-model.js';
import type { DestinationSettings } from '../alert-settings.js';
import { alertmanagerRequest } from './alertmanager.js';
import { discordRequest } from './discord.js';
import { ntfyRequest } from './ntfy.js';
import { slackRequest } from './slack.js';
import { webhookRequest } from './webhook-payload.js';
import type { WireContext, WireRequest } from './wire-context.js';

export function wireRequest(d: Pick<DestinationSettings, 'type' | 'url'>, n: AlertNotification, ctx: WireContext): WireRequest {
  switch (d.type) {
    case 'webhook':
      return webhookRequest(n, ctx);
    case 'slack':
      return slackRequest(n, ctx);
    case 'discord':
      return discordRequest(n, ctx);
    case 'ntfy':
      return ntfyRequest(n, ctx, d.url);
    case 'alertmanager':
      return alertmanagerRequest(n, ctx);
  }
}

export type { WireContext, WireRequest };
