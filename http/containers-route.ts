import type { ServerResponse } from 'node:http';
import type { ContainerLines } from '../actors/container-rates.js';
import type { FollowerState } from '../actors/container-actor.js';
import type { IngestMetricsMsg } from '../actors/ingest-metrics-actor.js';
import type { HttpContext } from './context.js';
import type { DiscoveryMsg, DiscoveryStatus } from './deps.js';
import { sendJson } from './json-response.js';

/** One container of `GET /containers`. */
export interface ContainerJson {
  /** Short (12 hex) id, as entries' `container_id`. */
  id: string;
  name: string;
  service: string;
  image: string;
  project?: string;
  state: string;
  tty: boolean;
  follower: FollowerState | null;
  unsupported?: string;
  lines_total: number;
  lines_per_second: number;
  last_line_at?: string;
}

/** Body of `GET /containers`. */
export interface ContainerList {
  containers: ContainerJson[];
  count: number;
}

/**
 * `GET /containers`: every container the DiscoveryActor knows (Docker's state, its follower's state),
 * joined with what the ingest sink counted for it (lines since start, lines per second over the last
 * minute). Both are asked at once; a container no line came from yet has zeros. By name.
 */
export async function getContainers(ctx: HttpContext, res: ServerResponse): Promise<void> {
  const ingest = ctx.deps.metrics?.ingest;
  const [status, counted] = await Promise.all([
    ctx.ask<DiscoveryMsg, DiscoveryStatus>(ctx.deps.discovery, (replyTo) => ({ type: 'status', replyTo })),
    ingest ? ctx.ask<IngestMetricsMsg, ContainerLines[]>(ingest, (replyTo) => ({ type: 'containers', replyTo })) : Promise.resolve([]),
  ]);
  const lines = new Map(counted.map((c) => [c.id, c]));
  const containers = status.containers
    .map((c): ContainerJson => {
      const n = lines.get(c.id);
      const out: ContainerJson = {
        id: c.id.slice(0, 12),
        name: c.name,
        service: c.service,
        image: c.image,
        ...(c.project ? { project: c.project } : {}),
        state: c.state,
        tty: c.tty,
        follower: c.follower?.state ?? null,
        ...(c.unsupported ? { unsupported: c.unsupported } : {}),
        lines_total: n?.lines ?? 0,
        lines_per_second: n?.linesPerSecond ?? 0,
      };
      if (n && Number.isFinite(n.lastLineMs)) out.last_line_at = new Date(n.lastLineMs).toISOString();
      return out;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const body: ContainerList = { containers, count: containers.length };
  sendJson(res, 200, body);
}
