/**
 * Turns a ParseRule (label or file values) into what the pipeline runs. A value that does not compile
 * never stops collection: that part falls back to the default (auto-detected parser, trace joiner, no
 * extra redaction) and the problem is kept in `errors`, for /health and the service log.
 */
import { compileLinearPattern, type LinearPattern } from './linear-pattern.js';
import { PARSERS, RULE_LABELS, type ParseRule, type ParserKind } from './parse-rule.js';

export interface CompiledRule {
  parser: ParserKind;
  /** Set when parser is `regex`. */
  pattern?: LinearPattern;
  multilineStart?: LinearPattern;
  redact?: LinearPattern;
  /** One sentence per value that was refused, naming the setting. */
  errors: string[];
}

/** The rule of a container without any settings: auto-detection, the stack-trace joiner. */
export const DEFAULT_RULE: CompiledRule = { parser: 'auto', errors: [] };

function compile(rule: ParseRule, key: 'pattern' | 'multilineStart' | 'redact', errors: string[]): LinearPattern | undefined {
  const source = rule[key];
  if (source === undefined) return undefined;
  const compiled = compileLinearPattern(source);
  if ('error' in compiled) {
    errors.push(`${RULE_LABELS[key]}: ${compiled.error}`);
    return undefined;
  }
  return compiled;
}

/** Compiles a rule; `errors` says what was refused and what was used instead. */
export function compileRule(rule: ParseRule): CompiledRule {
  const errors: string[] = [];
  const out: CompiledRule = { parser: 'auto', errors };
  const requested = rule.parser?.toLowerCase() ?? (rule.pattern !== undefined ? 'regex' : 'auto');
  if (!(PARSERS as readonly string[]).includes(requested)) {
    errors.push(`${RULE_LABELS.parser}: expected one of json, logfmt, plain, regex; got ${JSON.stringify(rule.parser!.slice(0, 32))}; lines are parsed with the default parser`);
  } else if (requested === 'regex') {
    const pattern = compile(rule, 'pattern', errors);
    if (pattern) {
      out.parser = 'regex';
      out.pattern = pattern;
    } else {
      if (rule.pattern === undefined) errors.push(`${RULE_LABELS.pattern}: required with ${RULE_LABELS.parser}=regex`);
      errors[errors.length - 1] += '; lines are parsed with the default parser';
    }
  } else {
    out.parser = requested as ParserKind;
  }
  const start = compile(rule, 'multilineStart', errors);
  if (start) out.multilineStart = start;
  else if (rule.multilineStart !== undefined) errors[errors.length - 1] += '; stack traces are joined as by default';
  const redact = compile(rule, 'redact', errors);
  if (redact) out.redact = redact;
  else if (rule.redact !== undefined) errors[errors.length - 1] += '; only the built-in secret patterns apply';
  return out;
}
