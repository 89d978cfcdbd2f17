/**
 * The configuration file (`LOGAGG_CONFIG`, YAML): what does not fit in environment variables —
 * alert rules and destinations, forwarding sinks, per-container parsing rules. It is validated at
 * startup against the JSON Schema that ships with the project (`configFileSchema`), and a fault
 * names the path of the value at fault, e.g. `alerts.rules[2].regex: …`. Each section's schema lives
 * with the code that reads it and is registered here; the environment overrides the file (see
 * ../shared/design/contracts.md: a destination or sink given in the environment is added to the file's).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** A bad configuration file: the message names the file and the path of the value at fault. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

type Schema = Record<string, unknown>;

/** Section schemas by top-level key; each module that reads a section registers its own. */
const sections: Record<string, Schema> = {};

/** Registers the JSON Schema of one top-level section (`alerts`, `forwarding`, `parsing`). */
export function registerConfigSection(name: string, schema: Schema): void {
  sections[name] = schema;
}

/** The whole file's JSON Schema: the registered sections; any other top-level key is refused. */
export function configFileSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'logagg configuration file (LOGAGG_CONFIG)',
    type: 'object',
    properties: { ...sections },
    additionalProperties: false,
  };
}

/** `alerts.rules[2].regex` from Ajv's `/alerts/rules/2/regex`. */
function dotted(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function describe(e: ErrorObject): ConfigFileError {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return new ConfigFileError(dotted(e.instancePath, String(p.additionalProperty)), 'unknown field');
  if (e.keyword === 'required') return new ConfigFileError(dotted(e.instancePath, String(p.missingProperty)), 'is required');
  if (e.keyword === 'enum') return new ConfigFileError(dotted(e.instancePath), `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
  return new ConfigFileError(dotted(e.instancePath), e.message ?? 'is invalid');
}

/**
 * Parses and validates a configuration file's text against the registered schema; `semantic` then
 * checks what a schema cannot (a regex compiles, a URL has a known scheme) and throws ConfigFileError.
 */
export function parseConfigFile(text: string, file = 'LOGAGG_CONFIG'): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : '';
    throw new ConfigFileError('', `${file}: not valid YAML${where}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigFileError('', `${file}: expected a mapping of sections (${Object.keys(sections).join(', ')})`);
  const ajv = new Ajv({ allErrors: false, strict: false });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
  const validate = ajv.compile(configFileSchema());
  if (!validate(doc)) throw describe(validate.errors![0]!);
  return doc as Record<string, unknown>;
}

/** Reads LOGAGG_CONFIG when set; an empty object when not. */
export function loadConfigFile(env: Record<string, string | undefined> = process.env): Record<string, unknown> {
  const file = env.LOGAGG_CONFIG?.trim();
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigFileError('', `LOGAGG_CONFIG: cannot read ${file}: ${(e as Error).message}`);
  }
  return parseConfigFile(text, file);
}
