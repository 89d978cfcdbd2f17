/**
 * Every call the page makes to the API: relative URLs (the page works behind a path prefix), the
 * token from sessionStorage as `Authorization: Bearer` (and as `?token=` on the WebSocket, which
 * cannot carry headers). A 401 asks the user for the token once, however many calls got it.
 */
const TOKEN_KEY = 'logagg.token';

export type TokenPrompt = (wrong: boolean) => Promise<string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  private prompting: Promise<void> | undefined;

  constructor(private readonly askToken: TokenPrompt) {}

  get token(): string {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  }

  url(path: string, params?: URLSearchParams): string {
    const u = new URL(path, document.baseURI);
    if (params) u.search = params.toString();
    return u.toString();
  }

  /** The live stream's WebSocket URL, with the token as a parameter. */
  wsUrl(params: URLSearchParams): string {
    const u = new URL('logs/stream', document.baseURI);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    const p = new URLSearchParams(params);
    if (this.token) p.set('token', this.token);
    u.search = p.toString();
    return u.toString();
  }

  /** GET with the token; on 401 asks for the token (until a right one is given) and tries again. */
  async get(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<Response> {
    for (let wrong = false; ; wrong = true) {
      const headers: Record<string, string> = {};
      const used = this.token;
      if (used) headers.Authorization = `Bearer ${used}`;
      const r = await fetch(this.url(path, params), { headers, signal });
      if (r.status !== 401) {
        if (!r.ok) {
          const body = (await r.json().catch(() => ({}))) as { error?: string; parameter?: string };
          throw new ApiError(r.status, body.error ? `${body.parameter ? `${body.parameter}: ` : ''}${body.error}` : `HTTP ${r.status}`);
        }
        return r;
      }
      // Sent with a token since replaced (the user answered a prompt meanwhile): try the new one first.
      if (this.token !== used && this.token !== '') continue;
      await this.promptOnce(wrong || this.token !== '');
    }
  }

  async json<T>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<T> {
    return (await (await this.get(path, params, signal)).json()) as T;
  }

  private promptOnce(wrong: boolean): Promise<void> {
    this.prompting ??= this.askToken(wrong)
      .then((t) => sessionStorage.setItem(TOKEN_KEY, t))
      .finally(() => (this.prompting = undefined));
    return this.prompting;
  }
}
