/**
 * Validates real responses against the OpenAPI document's schemas with Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1), strict mode on, so that the document and the code cannot drift.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OPENAPI, OPENAPI_SCHEMAS } from '../../http/openapi.js';
import { request } from './http-client.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The document's `#/components/schemas/X` references, pointed at one schema resource holding them. */
function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', 'logagg#/$defs/') : rewrite(v)]),
    );
  }
  return value;
}

const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
ajv.addSchema({ $id: 'logagg', $defs: rewrite(OPENAPI_SCHEMAS) as Record<string, object> });
const compiled = new Map<string, ValidateFunction>();

/** Every component schema compiles (strict). */
export function compileAllSchemas(): string[] {
  return Object.keys(OPENAPI_SCHEMAS).map((name) => {
    ajv.compile({ $ref: `logagg#/$defs/${name}` });
    return name;
  });
}

type Responses = Record<string, { content?: Record<string, { schema: object }> }>;

/**
 * Checks that `status` is documented for GET `path` (a template, e.g. `/logs/service/{name}`) and that
 * `body` matches the schema of `mediaType`. Throws naming what does not match.
 */
export function checkResponse(path: string, status: number, body: unknown, mediaType = 'application/json', method: 'get' | 'post' = 'get'): void {
  const op = (OPENAPI.paths as unknown as Record<string, Record<string, { responses: Responses }>>)[path]?.[method];
  if (!op) throw new Error(`${path} is not in the OpenAPI document`);
  const response = op.responses[String(status)];
  if (!response) throw new Error(`GET ${path}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`);
  const schema = response.content?.[mediaType]?.schema;
  if (!schema) throw new Error(`GET ${path} ${status}: no ${mediaType} schema documented`);
  const key = `${method} ${path} ${status} ${mediaType}`;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(rewrite(schema) as object)));
  if (!validate(body)) throw new Error(`GET ${path} ${status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

/** GETs `url`, asserts the status, and checks the JSON answer against the document entry of `template`. */
export async function requestChecked(port: number, template: string, url: string, status: number, headers: Record<string, string> = {}): Promise<any> {
  const r = await request(port, url, { headers });
  if (r.status !== status) throw new Error(`${url}: expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  checkResponse(template, r.status, r.body);
  return r.body;
}
