import Docker from 'dockerode';
import type { Readable } from 'node:stream';

/** A dockerode client for `unix:///path` or `tcp://host:port`, with an optional pinned API version. */
export function createDockerClient(host: string, apiVersion?: string): Docker {
  const version = apiVersion ? { version: apiVersion } : {};
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length), ...version });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http', ...version });
}

/** HTTP status of a dockerode error, if it carries one. */
export function statusOf(error: unknown): number | undefined {
  const s = (error as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

export interface LogStreamOptions {
  follow: boolean;
  /** `seconds.nanoseconds`, inclusive. */
  since?: string;
  tail?: number;
}

/**
 * Opens `GET /containers/{id}/logs` with timestamps as a raw stream, also when not following
 * (dockerode would buffer a non-follow body whole). No client timeout: follow streams live long.
 */
export function openLogStream(docker: Docker, id: string, opts: LogStreamOptions): Promise<Readable> {
  const options: Record<string, unknown> = { follow: opts.follow, stdout: true, stderr: true, timestamps: true };
  if (opts.since !== undefined) options.since = opts.since;
  options.tail = opts.tail === undefined ? 'all' : String(opts.tail);
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${id}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 409: 'container is being removed', 500: 'server error', 501: 'logging driver cannot be read' },
        options,
      },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as Readable)),
    );
  });
}

/** Opens `GET /events` for container events as a raw stream of JSON lines. */
export function openEventStream(docker: Docker, sinceSec?: number): Promise<Readable> {
  const options: Record<string, unknown> = { filters: { type: ['container'] } };
  if (sinceSec !== undefined) options.since = String(sinceSec);
  return docker.getEvents(options) as unknown as Promise<Readable>;
}
