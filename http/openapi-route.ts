import type { ServerResponse } from 'node:http';
import { sendJson } from './json-response.js';
import { OPENAPI } from './openapi.js';

/** `GET /openapi.json`: the API document, with the running version. */
export async function getOpenApi(res: ServerResponse, version: string): Promise<void> {
  sendJson(res, 200, { ...OPENAPI, info: { ...OPENAPI.info, version } });
}
