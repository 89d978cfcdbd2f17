/** Relative ("12s ago") and absolute (local clock, with the date when not today) times of a line. Pure; `now` is injected. */

/** `now`, `12s`, `5m`, `3h`, `2d` before `nowMs` (a time in the future, from clock skew, is `now`). */
export function relativeTime(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.floor((nowMs - t) / 1000);
  if (s < 1) return 'now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `HH:MM:SS.mmm` in the given time zone offset (minutes east of UTC, default the local one), with `YYYY-MM-DD ` when not on `nowMs`'s day. */
export function absoluteTime(iso: string, nowMs: number, offsetMin = -new Date(nowMs).getTimezoneOffset()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const d = new Date(t + offsetMin * 60_000);
  const today = new Date(nowMs + offsetMin * 60_000);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  const sameDay = d.getUTCFullYear() === today.getUTCFullYear() && d.getUTCMonth() === today.getUTCMonth() && d.getUTCDate() === today.getUTCDate();
  return sameDay ? clock : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock}`;
}

/** An ISO time as the value of a `datetime-local` input (local time, minutes), and back. */
export function toLocalInput(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string {
  if (!value) return '';
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}
