import { ParamError } from './http-error.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d+(?:\.\d+)?)([smhdw])$/i;
const EPOCH_SECONDS = /^\d+(?:\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** 9999-12-31T23:59:59Z: a larger "epoch seconds" value is almost surely milliseconds. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

const ACCEPTED = 'a duration before now (30s, 5m, 1h, 1d, 2w), an ISO-8601 time (2024-05-01T12:00:00Z) or epoch seconds (1714564800.5)';

/**
 * Parses a `since`/`until` value into epoch ms: a duration before `now`, an ISO-8601 date or
 * date-time (UTC when it has no offset), or epoch seconds, possibly fractional.
 * @throws ParamError naming `name` when the value is none of these.
 */
export function parseTimeParam(name: string, raw: string, now: number): number {
  const value = raw.trim();
  const rel = RELATIVE.exec(value);
  if (rel) return now - Math.round(Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!);
  if (EPOCH_SECONDS.test(value)) {
    const seconds = Number(value);
    if (seconds <= MAX_EPOCH_SECONDS) return Math.round(seconds * 1000);
    throw new ParamError(name, `${name}: ${value} is too large for epoch seconds (milliseconds?); expected ${ACCEPTED}`);
  }
  const ms = parseIso(value);
  if (ms !== undefined) return ms;
  throw new ParamError(name, `${name}: expected ${ACCEPTED}; got ${JSON.stringify(value.slice(0, 64))}`);
}

function parseIso(value: string): number | undefined {
  const m = ISO.exec(value);
  if (!m) return undefined;
  const hasTime = m[4] !== undefined;
  // Date.parse reads a date-time without offset as local time; a log API means UTC.
  const text = value.replace(' ', 'T').replace(',', '.') + (hasTime && !m[7] ? 'Z' : '');
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over into March; refuse dates that do not exist.
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return undefined;
  return ms;
}
