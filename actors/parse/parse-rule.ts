/**
 * How one container's lines are parsed, as data: set today by container labels (`logagg.parser`,
 * `logagg.pattern`, `logagg.multiline.start`, `logagg.service`, `logagg.redact`), and shaped so that
 * the config file (LOGAGG_CONFIG, not built yet) can supply the same rules keyed by service or
 * container-name glob: a `RuleSource` is a selector plus a `ParseRule`, and `ruleFor` merges them.
 */

export const PARSERS = ['auto', 'json', 'logfmt', 'plain', 'regex'] as const;
/** `auto` (no rule): JSON, logfmt or plain text, detected per line. */
export type ParserKind = (typeof PARSERS)[number];

/** Uncompiled rule values, as a label or a config file writes them. Everything optional. */
export interface ParseRule {
  parser?: string;
  /** For `regex`: named groups `time`, `level`, `message`; any other named group becomes a field. */
  pattern?: string;
  /** A line matching it starts a new entry; the lines until the next such line continue it. */
  multilineStart?: string;
  /** Overrides the service name (the Compose service label, else the container name). */
  service?: string;
  /** A pattern whose every match is replaced by [REDACTED], after the built-in ones. */
  redact?: string;
}

/** Labels read, by rule key. */
export const RULE_LABELS: Record<keyof ParseRule, string> = {
  parser: 'logagg.parser',
  pattern: 'logagg.pattern',
  multilineStart: 'logagg.multiline.start',
  service: 'logagg.service',
  redact: 'logagg.redact',
};

/** A rule from a config file: applies to containers of a service, or whose name matches a glob. */
export interface RuleSource {
  match: { service?: string; container?: string };
  rule: ParseRule;
  /** Where it came from, for problem reports (e.g. `LOGAGG_CONFIG rules[2]`). */
  origin: string;
}

/** The rule set on a container's labels (empty values ignored). */
export function ruleFromLabels(labels: Record<string, string> | undefined): ParseRule {
  const rule: ParseRule = {};
  for (const [key, label] of Object.entries(RULE_LABELS) as [keyof ParseRule, string][]) {
    const v = labels?.[label];
    if (v !== undefined && v.trim() !== '') rule[key] = key === 'parser' || key === 'service' ? v.trim() : v;
  }
  return rule;
}

/** Shell-style glob (`*`, `?`) on the whole name. */
function globMatches(glob: string, name: string): boolean {
  const re = new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(name);
}

/**
 * The rule for a container: file rules that match it, in order (later ones win key by key), then its
 * labels, which win over any file rule (the container's own declaration is the most specific).
 * `service` is the name before any `logagg.service` override.
 */
export function ruleFor(container: { name: string; service: string; labels: Record<string, string> }, sources: readonly RuleSource[] = []): ParseRule {
  const rule: ParseRule = {};
  for (const s of sources) {
    const byService = s.match.service === undefined || globMatches(s.match.service, container.service);
    const byName = s.match.container === undefined || globMatches(s.match.container, container.name);
    if (byService && byName) Object.assign(rule, s.rule);
  }
  return Object.assign(rule, ruleFromLabels(container.labels));
}
