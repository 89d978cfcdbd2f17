/**
 * The config file's `parsing` section: per-container parsing rules keyed by service or
 * container-name glob, the same rules the `logagg.*` labels set (labels win over the file). A rule
 * that cannot work (an unknown parser, a pattern that does not compile or is not linear-time) stops
 * startup with its path named, unlike a bad label, which only falls back to the default parser:
 * the file is the operator's, a label is any container's.
 */
import { ConfigFileError, registerConfigSection } from '../service/config-file.js';
import { compileRule } from './compiled-rule.js';
import { RULE_LABELS, type ParseRule, type RuleSource } from './parse-rule.js';

const str = { type: 'string', minLength: 1 };

registerConfigSection('parsing', {
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        anyOf: [{ required: ['service'] }, { required: ['container'] }],
        properties: {
          service: { ...str, description: 'service name glob (`*`, `?`)' },
          container: { ...str, description: 'container name glob' },
          parser: { enum: ['auto', 'json', 'logfmt', 'plain', 'regex'] },
          pattern: str,
          multiline_start: str,
          set_service: str,
          redact: str,
        },
      },
    },
  },
});

interface FileRule {
  service?: string;
  container?: string;
  parser?: string;
  pattern?: string;
  multiline_start?: string;
  set_service?: string;
  redact?: string;
}

const FIELD: Record<string, string> = { parser: 'parser', pattern: 'pattern', multilineStart: 'multiline_start', service: 'set_service', redact: 'redact' };

/** The file's parsing rules, in order (later ones win key by key), each checked as it would run. */
export function parseRulesFromFile(file: Record<string, unknown>): RuleSource[] {
  const section = file.parsing as { rules?: FileRule[] } | undefined;
  return (section?.rules ?? []).map((r, i) => {
    const path = `parsing.rules[${i}]`;
    const rule: ParseRule = {};
    if (r.parser !== undefined) rule.parser = r.parser;
    if (r.pattern !== undefined) rule.pattern = r.pattern;
    if (r.multiline_start !== undefined) rule.multilineStart = r.multiline_start;
    if (r.set_service !== undefined) rule.service = r.set_service;
    if (r.redact !== undefined) rule.redact = r.redact;
    const problem = compileRule(rule).errors[0];
    if (problem) {
      // A problem names its label (`logagg.pattern: …`): the file calls it by its own field name.
      const key = (Object.entries(RULE_LABELS) as [keyof ParseRule, string][]).find(([, label]) => problem.startsWith(`${label}:`))?.[0];
      const field = key ? FIELD[key]! : 'pattern';
      throw new ConfigFileError(`${path}.${field}`, problem.replace(/^logagg\.[a-z.]+: /, '').replace(/; lines are parsed.*$|; stack traces.*$|; only the built-in.*$/, ''));
    }
    return { match: { ...(r.service ? { service: r.service } : {}), ...(r.container ? { container: r.container } : {}) }, rule, origin: `LOGAGG_CONFIG ${path}` };
  });
}
