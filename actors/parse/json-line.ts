import { Level, type ParsedLine } from '../model/log-entry.js';
import { normalizeLevel } from './level.js';
import { normalizeTimeValue } from './timestamp.js';

/** A lookup table without Object.prototype, so keys such as `constructor` or `__proto__` miss. */
function nullProto(o: Record<string, number>): Record<string, number> {
  return Object.assign(Object.create(null) as Record<string, number>, o);
}

// Key ranks: when a line carries several candidates, the lower rank wins.
const LEVEL_RANK: Record<string, number> = nullProto({
  level: 0, // pino, bunyan, zap, logrus, zerolog, structlog, slog
  lvl: 1,
  severity: 2, // Google Cloud, generic
  levelname: 3, // python-json-logger
  loglevel: 4,
  log_level: 5,
  '@l': 6, // Serilog CLEF
  'log.level': 7, // ECS, dotted top-level key
  Level: 8, // Serilog JsonFormatter
});
const MESSAGE_RANK: Record<string, number> = nullProto({
  msg: 0, // pino, bunyan, zap, logrus, slog
  message: 1, // zerolog, ECS, python-json-logger
  '@m': 2, // CLEF rendered message
  '@mt': 3, // CLEF template: rendered below
  event: 4, // structlog
  RenderedMessage: 5,
  Message: 6,
  MessageTemplate: 7,
});
const TIME_RANK: Record<string, number> = nullProto({
  time: 0, // pino (epoch ms), bunyan, logrus, zerolog, slog
  ts: 1, // zap (float seconds)
  timestamp: 2, // structlog
  '@timestamp': 3, // ECS
  '@t': 4, // CLEF
  asctime: 5, // python-json-logger
  Timestamp: 6,
});
/** Fields whose presence makes an unlevelled line an error. */
const ERROR_KEYS = new Set(['err', 'error', 'stack', 'exc_info', 'exception', 'stack_trace', 'stacktrace', 'exc_text', 'error.stack_trace', '@x']);
const CLEF_KEYS = new Set(['@t', '@m', '@mt', '@l']);

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Renders a Serilog message template: `{Name}`, `{@Name}`, `{$Name}`, `{Name:fmt}`, `{Name,10}` take the property's
 * value (strings bare, others as JSON); `{{`/`}}` are literal braces; unknown names stay as written.
 */
export function renderTemplate(template: string, props: Record<string, unknown>): string {
  if (template.indexOf('{') < 0 && template.indexOf('}') < 0) return template;
  let out = '';
  let i = 0;
  const n = template.length;
  while (i < n) {
    const open = template.indexOf('{', i);
    const closeBrace = template.indexOf('}}', i);
    if (closeBrace >= 0 && (open < 0 || closeBrace < open)) {
      out += template.slice(i, closeBrace + 1);
      i = closeBrace + 2;
      continue;
    }
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    if (template.charCodeAt(open + 1) === 123) {
      out += '{';
      i = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    if (close < 0) {
      out += template.slice(open);
      break;
    }
    const token = template.slice(open + 1, close);
    let nameStart = 0;
    if (token.charCodeAt(0) === 64 || token.charCodeAt(0) === 36) nameStart = 1; // @ $
    let nameEnd = nameStart;
    while (nameEnd < token.length && isWordChar(token.charCodeAt(nameEnd))) nameEnd++;
    const rest = token.charCodeAt(nameEnd);
    const name = token.slice(nameStart, nameEnd);
    const value = name && (nameEnd === token.length || rest === 58 || rest === 44) ? props[name] : undefined;
    if (value === undefined) out += template.slice(open, close + 1);
    else out += typeof value === 'string' ? value : JSON.stringify(value);
    i = close + 1;
  }
  return out;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Maps a parsed JSON log object to a ParsedLine: level, message and time are taken from the keys the common
 * libraries use (pino, bunyan, zap, logrus, zerolog, structlog, Serilog CLEF, ECS, python-json-logger, generic
 * severity/lvl/loglevel) and removed from the fields; everything else stays. With no message key the raw line is
 * the message. With no level: CLEF means Information, an exception/stack field means ERROR, otherwise INFO.
 */
export function fromJsonObject(obj: Record<string, unknown>, raw: string, nowMs: number): ParsedLine {
  let levelKey: string | undefined;
  let levelRank = 99;
  let level: Level | undefined;
  let msgKey: string | undefined;
  let msgRank = 99;
  let message: string | undefined;
  let timeKey: string | undefined;
  let timeRank = 99;
  let time: string | undefined;
  let hasError = false;
  let clef = false;
  let nestedLog: Record<string, unknown> | undefined;

  for (const k in obj) {
    const v = obj[k];
    let r = LEVEL_RANK[k];
    if (r !== undefined) {
      if (k === '@l') clef = true;
      if (r < levelRank) {
        const lv = normalizeLevel(v);
        if (lv !== undefined) {
          level = lv;
          levelKey = k;
          levelRank = r;
        }
      }
      continue;
    }
    r = MESSAGE_RANK[k];
    if (r !== undefined) {
      if (CLEF_KEYS.has(k)) clef = true;
      if (r < msgRank) {
        const text = scalarText(v);
        if (text !== undefined) {
          message = text;
          msgKey = k;
          msgRank = r;
        }
      }
      continue;
    }
    r = TIME_RANK[k];
    if (r !== undefined) {
      if (k === '@t') clef = true;
      if (r < timeRank) {
        const t = normalizeTimeValue(v, nowMs);
        if (t !== undefined) {
          time = t;
          timeKey = k;
          timeRank = r;
        }
      }
      continue;
    }
    if (ERROR_KEYS.has(k)) {
      if (v !== null && v !== undefined && v !== '' && v !== false) hasError = true;
    } else if (k === 'log' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // ECS written nested: {"log": {"level": "warn", "logger": "…"}}
      nestedLog = v as Record<string, unknown>;
    }
  }

  if (level === undefined && nestedLog !== undefined) {
    level = normalizeLevel(nestedLog.level);
    if (level !== undefined) {
      const rest: Record<string, unknown> = {};
      let any = false;
      for (const k in nestedLog) {
        if (k === 'level') continue;
        rest[k] = nestedLog[k];
        any = true;
      }
      nestedLog = any ? rest : undefined;
      levelKey = 'log';
    }
  }
  if (msgKey === '@mt') message = renderTemplate(message!, obj);

  let fields: Record<string, unknown> | undefined;
  for (const k in obj) {
    if (k === levelKey || k === msgKey || k === timeKey) continue;
    fields ??= {};
    if (k === '__proto__') Object.defineProperty(fields, k, { value: obj[k], enumerable: true, writable: true, configurable: true });
    else fields[k] = obj[k];
  }
  if (levelKey === 'log' && nestedLog !== undefined) (fields ??= {}).log = nestedLog;

  const out: ParsedLine = {
    level: level ?? (!clef && hasError ? Level.ERROR : Level.INFO),
    message: message ?? raw.trim(),
  };
  if (time !== undefined) out.time = time;
  if (fields !== undefined) out.fields = fields;
  return out;
}

/**
 * Parses a JSON object line. Returns undefined (so the caller treats the line as plain text) when the text is
 * not a JSON object: broken JSON, arrays, scalars.
 */
export function parseJsonLine(text: string, nowMs: number): ParsedLine | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  return fromJsonObject(obj as Record<string, unknown>, text, nowMs);
}
