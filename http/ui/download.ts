/**
 * Downloads the current query from `/logs/export` (NDJSON or text). A plain link cannot carry the
 * `Authorization` header, so the page fetches it with the header and saves the body through a Blob
 * (the export is held in the tab's memory until saved; no token ever goes into a URL).
 */
import type { Api } from './api.js';

export async function downloadExport(api: Api, filters: URLSearchParams, format: 'ndjson' | 'text', nowMs: number): Promise<number> {
  const p = new URLSearchParams(filters);
  p.set('format', format);
  const r = await api.get('logs/export', p);
  const blob = await r.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  // The server's name for it (`logagg-20261130T143000Z.txt`), so that the page and `curl -OJ` agree.
  const named = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1];
  a.download = named ?? `logagg-${new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}.${format === 'ndjson' ? 'ndjson' : 'txt'}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return blob.size;
}
