/**
 * What every destination's format needs beyond the notification: the host's name, the public base
 * URL for links, and the link to the lines: the web page's view of the notification's query
 * (`<base>/?service=…&level=…&since=…`; the page reads the /logs parameters, a time range opens it on
 * that history; contracts: "Links point at the web page's view").
 */
import type { AlertNotification } from '../alert-model.js';

export interface WireContext {
  host: string;
  /** ALERT_LINK_BASE_URL, else the service's own address. */
  linkBaseUrl: string;
}

/** A link to the web page showing the matching lines. */
export function viewLink(n: AlertNotification, ctx: WireContext): string {
  const q = new URLSearchParams(n.query);
  return `${ctx.linkBaseUrl.replace(/\/+$/, '')}/?${q.toString()}`;
}

/** An HTTP request a destination makes of a notification. */
export interface WireRequest {
  /** Appended to the destination's URL (Alertmanager: /api/v2/alerts); '' for the URL itself. */
  path: string;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** Overrides the destination's URL (ntfy publishes JSON to the server root). */
  url?: string;
}
