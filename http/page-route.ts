/**
 * The web page: `GET /` answers index.html and `GET /ui/<file>` its scripts and style, from the files
 * the build put in dist/http/ui/, read once at start (with a gzip copy and an ETag each). A request
 * names a file only by looking it up among those known names: no path from a URL ever reaches the
 * file system, so `..`, encoded slashes or NUL bytes can only miss (404). No token: a browser cannot
 * send one while loading a page (contracts: the page's API calls need it). Every answer revalidates
 * (`no-cache` with an ETag, 304 when unchanged): the modules import each other by fixed names, so a
 * new build must never be mixed with a cached old one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { HttpError } from './http-error.js';

/** Where the build puts the page, next to this module in dist/. */
export const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui');

/** The page's paths, which need no token. */
export const PAGE_PATH = /^\/(ui\/[^?]*)?$/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | undefined;
  etag: string;
}

// The page's only origin is this server: no inline script, no other host (the WebSocket is same-origin).
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export interface PageAssets {
  /** Answers a GET or HEAD of `/` or `/ui/…`. */
  serve(req: IncomingMessage, res: ServerResponse, urlPath: string): void;
  /** The served names (index.html, ui/main.js, …). */
  names(): string[];
}

/** Loads the built page from `dir` (missing: every page request answers 404 saying to build it). */
export function loadPage(dir = PAGE_DIR): PageAssets {
  const assets = new Map<string, Asset>();
  const visit = (d: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(full).isDirectory()) visit(full, r);
      else {
        const type = TYPES[path.extname(name)];
        if (!type) continue;
        const body = readFileSync(full);
        const gz = type.startsWith('image/png') ? undefined : gzipSync(body, { level: 9 });
        assets.set(r, { type, body, gzip: gz && gz.length < body.length ? gz : undefined, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
      }
    }
  };
  visit(dir, '');
  return {
    names: () => [...assets.keys()],
    serve(req, res, urlPath) {
      const name = urlPath === '/' ? 'index.html' : urlPath.startsWith('/ui/') ? urlPath.slice(4) : '';
      const a = name === 'index.html' && urlPath !== '/' ? undefined : assets.get(name);
      if (!a) {
        throw new HttpError(404, assets.size === 0 ? 'the web page is not built (npm run build)' : `no page asset at ${urlPath.slice(0, 200)}`);
      }
      const headers: Record<string, string> = { ...(name === 'index.html' ? PAGE_HEADERS : { 'X-Content-Type-Options': 'nosniff' }), 'Content-Type': a.type, 'Cache-Control': 'no-cache', ETag: a.etag, Vary: 'Accept-Encoding' };
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(',').some((t) => t.trim() === a.etag)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const gz = a.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gz ? a.gzip! : a.body;
      if (gz) headers['Content-Encoding'] = 'gzip';
      headers['Content-Length'] = String(body.length);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
