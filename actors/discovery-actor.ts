import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ask, backoffDelay, DEFAULT_BACKOFF, unhandled, type ActorContext, type ActorFactory, type ActorRef, type StartChildReply, type SupervisorMsg } from '../runtime/index.js';
import type { ContainerMsg, FollowerReport, FollowerStatus } from './container-actor.js';
import { containerInfo, isCollected, type ContainerInfo } from './model/container-info.js';
import { openEventStream } from './docker/docker-client.js';
import { explainDockerError } from './docker/docker-error.js';
import { watchStream } from './docker/watch-stream.js';
import { StringDecoder } from 'node:string_decoder';
import { serviceLog, serviceLogEnabled } from './service-log.js';
import { containerFields, logFollowerChange } from './follower-log.js';
import type { LifecycleEvent } from './alerts/alert-model.js';

/** Queries and reports the DiscoveryActor answers. */
export type DiscoveryMsg = { type: 'status'; replyTo: ActorRef<DiscoveryStatus> } | FollowerReport;

export interface ContainerStatus {
  id: string;
  name: string;
  service: string;
  image: string;
  project?: string;
  /** Docker's view: running, exited, paused, … */
  state: string;
  tty: boolean;
  /** Why its logs cannot be read (a logging driver without a reader). */
  unsupported?: string;
  follower?: FollowerStatus;
}

/** A follower that stopped making progress: shown in /health until it makes progress again. */
export interface StalledFollower {
  id: string;
  name: string;
  service: string;
  waitingFor: string;
  /** Since when (epoch ms) nothing moved. */
  since: number;
  /** Stalls in a row, each ending in a restart. */
  stalls: number;
}

export interface DiscoveryStatus {
  connected: boolean;
  stalled: StalledFollower[];
  lastError?: string;
  /** Times the events stream was (re)established. */
  connects: number;
  /** Docker container events received since start (for metrics). */
  events?: number;
  /** Messages every follower so far dropped because the engine had sent them already. */
  repeatsDropped: number;
  containers: ContainerStatus[];
}

type Internal =
  | { type: 'connect' }
  | { type: 'eventChunk'; gen: number; chunk: Buffer }
  | { type: 'eventsEnded'; gen: number; error?: unknown };

export interface DiscoveryDeps {
  docker: Docker;
  /** The supervisor of the ContainerActors. */
  containers: ActorRef<SupervisorMsg>;
  follower(info: ContainerInfo, self: ActorRef<FollowerReport>): ActorFactory<ContainerMsg>;
  include: RegExp[];
  exclude: RegExp[];
  askTimeoutMs?: number;
  /** Who hears of container starts, exits, OOM kills and health changes (the alert rules). */
  lifecycle?: ActorRef<LifecycleEvent>;
}

/** Docker's event message: newer engines drop the legacy `status`/`id` fields. */
interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

interface Known {
  info: ContainerInfo;
  ref: ActorRef<ContainerMsg>;
  state: string;
  follower?: FollowerStatus;
  stall?: { waitingFor: string; since: number; stalls: number };
}

const RECONNECT_BACKOFF = { ...DEFAULT_BACKOFF, baseMs: 250, maxMs: 10_000 };

/** Follows Docker's container events and keeps exactly one ContainerActor per collected container. */
export function discoveryActor(deps: DiscoveryDeps): ActorFactory<DiscoveryMsg> {
  return (ctx) => new DiscoveryActor(ctx as ActorContext<DiscoveryMsg | Internal>, deps);
}

class DiscoveryActor {
  private readonly known = new Map<string, Known>();
  private connected = false;
  private lastError: string | undefined;
  private connects = 0;
  private events = 0;
  private repeatsDropped = 0;
  private attempt = 0;
  private gen = 0;
  private stream: Readable | undefined;
  private carry = '';
  /** A chunk may end inside a multi-byte character. */
  private decoder = new StringDecoder('utf8');

  constructor(
    private readonly ctx: ActorContext<DiscoveryMsg | Internal>,
    private readonly deps: DiscoveryDeps,
  ) {}

  preStart(): void {
    this.ctx.self.tell({ type: 'connect' });
  }

  postStop(): void {
    this.gen++;
    this.stream?.destroy();
  }

  async receive(msg: DiscoveryMsg | Internal): Promise<void> {
    switch (msg.type) {
      case 'connect':
        return this.connect();
      case 'eventChunk':
        if (msg.gen === this.gen) await this.eventChunk(msg.chunk);
        return;
      case 'eventsEnded':
        if (msg.gen === this.gen) this.disconnected(msg.error ?? new Error('Docker events stream ended'));
        return;
      case 'followerState': {
        const k = this.known.get(msg.status.id);
        if (k) {
          logFollowerChange(k.follower, msg.status);
          k.follower = msg.status;
        }
        return;
      }
      case 'followerStalled': {
        const k = this.known.get(msg.id);
        if (!k) return;
        // A stall that follows a stall without progress in between keeps its first time.
        k.stall = { waitingFor: msg.waitingFor, since: k.stall?.since ?? msg.since, stalls: (k.stall?.stalls ?? 0) + 1 };
        serviceLog(4, `follower of ${k.info.name} stalled (${k.stall.stalls}× in a row): waiting for ${msg.waitingFor} since ${new Date(k.stall.since).toISOString()}; restarting it`);
        return;
      }
      case 'followerRepeats':
        this.repeatsDropped += msg.count;
        return;
      case 'followerProgress': {
        const k = this.known.get(msg.id);
        if (k?.stall) {
          serviceLog(2, `follower of ${k.info.name} makes progress again after ${k.stall.stalls} stall(s)`);
          k.stall = undefined;
        }
        return;
      }
      case 'status':
        msg.replyTo.tell({
          connected: this.connected,
          stalled: [...this.known.values()]
            .filter((k) => k.stall)
            .map((k) => ({ id: k.info.id, name: k.info.name, service: k.info.service, ...k.stall! })),
          lastError: this.lastError,
          connects: this.connects,
          events: this.events,
          repeatsDropped: this.repeatsDropped,
          containers: [...this.known.values()].map((k) => ({
            id: k.info.id,
            name: k.info.name,
            service: k.info.service,
            image: k.info.image,
            project: k.info.project,
            state: k.state,
            tty: k.follower?.tty ?? false,
            unsupported: k.follower?.state === 'unsupported' ? k.follower.error : undefined,
            follower: k.follower,
          })),
        });
        return;
      default:
        unhandled(msg);
    }
  }

  /** Subscribe first, then list, then reconcile: a container starting in between is seen either way. */
  private async connect(): Promise<void> {
    const gen = ++this.gen;
    this.stream?.destroy();
    this.carry = '';
    this.decoder = new StringDecoder('utf8');
    let stream: Readable;
    try {
      stream = await openEventStream(this.deps.docker);
    } catch (error) {
      return this.disconnected(error);
    }
    if (gen !== this.gen) return void stream.destroy();
    this.stream = stream;
    const self = this.ctx.self;
    watchStream(
      stream,
      (chunk) => self.tell({ type: 'eventChunk', gen, chunk }),
      (error) => self.tell({ type: 'eventsEnded', gen, error }),
    );
    try {
      const list = await this.deps.docker.listContainers({ all: true });
      await this.reconcile(list);
    } catch (error) {
      stream.destroy();
      return this.disconnected(error);
    }
    this.connected = true;
    this.connects++;
    this.attempt = 0;
    this.lastError = undefined;
    serviceLog(2, `connected to Docker${this.connects > 1 ? ' again' : ''}; following ${this.known.size} containers`, { event: 'docker.connected', containers: this.known.size, connects: this.connects });
  }

  private disconnected(error: unknown): void {
    this.gen++;
    this.stream?.destroy();
    this.stream = undefined;
    const message = explainDockerError(error, (this.deps.docker.modem as { socketPath?: string }).socketPath);
    if (this.connected) serviceLog(3, `Docker connection lost: ${message}; reconnecting`, { event: 'docker.lost', error: message });
    else if (this.connects === 0 && this.attempt === 0) serviceLog(4, `could not connect to Docker: ${message}; retrying with backoff`, { event: 'docker.connect_failed', error: message });
    else if (this.attempt === 0) serviceLog(3, `could not reconnect to Docker: ${message}; retrying with backoff`, { event: 'docker.connect_failed', error: message });
    else if (serviceLogEnabled(1)) serviceLog(1, `Docker connect attempt ${this.attempt + 1} failed: ${message}`, { event: 'docker.connect_failed', error: message, attempt: this.attempt + 1 });
    this.connected = false;
    this.lastError = message;
    this.ctx.startTimer('connect', { type: 'connect' }, backoffDelay(this.attempt++, RECONNECT_BACKOFF, Math.random()));
  }

  /** Starts followers for containers not yet followed, wakes the running ones, and retires the vanished. */
  private async reconcile(list: Docker.ContainerInfo[]): Promise<void> {
    const present = new Set<string>();
    for (const c of list) {
      present.add(c.Id);
      const info = containerInfo(c.Id, c.Names?.[0] ?? c.Id.slice(0, 12), c.Image, c.Labels);
      const k = this.known.get(c.Id);
      if (k?.ref.alive) {
        k.state = c.State;
        if (k.info.name !== info.name) {
          // Renamed while the events stream was down.
          k.info = info;
          k.ref.tell({ type: 'renamed', name: info.name });
        }
        if (c.State === 'running') k.ref.tell({ type: 'started' });
      } else if (isCollected(info, this.deps.include, this.deps.exclude)) {
        await this.follow(info, c.State);
      }
      if (this.known.has(c.Id)) this.reportHealth(info, c.Status);
    }
    for (const [id, k] of this.known) {
      if (present.has(id)) continue;
      serviceLog(2, `container ${k.info.name} is gone; no longer followed`, { event: 'container.removed', ...containerFields(k.info) });
      k.ref.tell({ type: 'destroyed' });
      this.known.delete(id);
    }
  }

  /**
   * Starts a follower. When the supervisor does not answer in time, the container is left unknown:
   * the next reconcile (after a reconnect) starts it, rather than this actor crashing on an event.
   */
  private async follow(info: ContainerInfo, state: string): Promise<void> {
    try {
      const reply = await ask<SupervisorMsg, StartChildReply>(
        this.deps.containers,
        (replyTo) => ({ type: 'startChild', spec: { id: info.id, restart: 'transient', shutdownMs: 2000, start: this.deps.follower(info, this.ctx.self) }, replyTo }),
        this.deps.askTimeoutMs ?? 10_000,
        this.ctx.clock,
      );
      this.known.set(info.id, { info, ref: reply.ref as ActorRef<ContainerMsg>, state });
      serviceLog(2, `following container ${info.name} (service ${info.service}, ${state}, id ${info.id.slice(0, 12)})`, { event: 'container.followed', ...containerFields(info), state });
      this.tellLifecycle(info, 'seen', this.ctx.clock.now());
    } catch (error) {
      serviceLog(3, `could not start following ${info.name}: ${String((error as Error)?.message ?? error)}`, { event: 'container.follow_failed', ...containerFields(info) });
    }
  }

  /** Events come as JSON lines that network chunks split or merge. */
  private async eventChunk(chunk: Buffer): Promise<void> {
    const text = this.carry + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.carry = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      let event: DockerEvent;
      try {
        event = JSON.parse(line) as DockerEvent;
      } catch {
        serviceLog(3, `unreadable Docker event skipped: ${line.slice(0, 200)}`);
        continue;
      }
      await this.event(event);
    }
  }

  /**
   * A container's health as listed (`Up 2 hours (healthy)`), told to the alert rules at each
   * (re)connect: a change while the events stream was down (or the service was) is not missed, so an
   * unhealthy alert from before still resolves, and a container already unhealthy is known.
   */
  private reportHealth(info: ContainerInfo, status: string | undefined): void {
    const m = /\((healthy|unhealthy)\)/.exec(status ?? '');
    if (m) this.tellLifecycle(info, m[1] as 'healthy' | 'unhealthy', this.ctx.clock.now());
  }

  private tellLifecycle(info: ContainerInfo, action: LifecycleEvent['action'], atMs: number, exitCode?: number): void {
    this.deps.lifecycle?.tell({ type: 'lifecycle', action, containerId: info.id, containerName: info.name, service: info.service, labels: info.labels, atMs, ...(exitCode !== undefined ? { exitCode } : {}) });
  }

  /** Starts, exits (with the code), OOM kills and health changes of collected containers, for the alert rules. */
  private lifecycle(e: DockerEvent, action: string, id: string): void {
    const k = this.known.get(id);
    if (!k || !this.deps.lifecycle) return;
    const at = e.timeNano ? e.timeNano / 1e6 : e.time ? e.time * 1000 : this.ctx.clock.now();
    const attrs = e.Actor?.Attributes ?? {};
    if (action === 'start' || action === 'oom') this.tellLifecycle(k.info, action, at);
    else if (action === 'die') {
      const code = Number(attrs.exitCode);
      this.tellLifecycle(k.info, 'die', at, Number.isFinite(code) ? code : undefined);
    } else if (action === 'health_status') {
      const status = (e.Action ?? e.status ?? '').split(':')[1]?.trim();
      if (status === 'unhealthy' || status === 'healthy') this.tellLifecycle(k.info, status, at);
    }
  }

  private async event(e: DockerEvent): Promise<void> {
    if (e.Type && e.Type !== 'container') return;
    this.events++;
    const id = e.Actor?.ID ?? e.id;
    const action = (e.Action ?? e.status ?? '').split(':')[0]!.trim();
    if (!id) return;
    const attrs = e.Actor?.Attributes ?? {};
    const k = this.known.get(id);
    if (k) this.lifecycle(e, action, id);
    switch (action) {
      case 'start': {
        if (k) {
          k.state = 'running';
          k.ref.tell({ type: 'started' });
          return;
        }
        const { name = id.slice(0, 12), image = '', ...labels } = attrs;
        const info = containerInfo(id, name, image, labels);
        if (isCollected(info, this.deps.include, this.deps.exclude)) {
          await this.follow(info, 'running');
          this.lifecycle(e, action, id);
        }
        return;
      }
      case 'die':
        if (k) {
          serviceLog(2, `container ${k.info.name} stopped${attrs.exitCode !== undefined ? ` (exit code ${attrs.exitCode})` : ''}`, { event: 'container.stopped', ...containerFields(k.info), exit_code: attrs.exitCode === undefined ? undefined : Number(attrs.exitCode) });
          k.state = 'exited';
          k.ref.tell({ type: 'died', at: e.timeNano ? e.timeNano / 1e6 : e.time ? e.time * 1000 : undefined });
        }
        return;
      case 'destroy':
        if (k) {
          serviceLog(2, `container ${k.info.name} removed; no longer followed`, { event: 'container.removed', ...containerFields(k.info) });
          k.ref.tell({ type: 'destroyed' });
          this.known.delete(id);
        }
        return;
      case 'rename':
        if (k && attrs.name) {
          serviceLog(1, `container ${k.info.name} renamed to ${attrs.name}`, { event: 'container.renamed', ...containerFields(k.info), new_name: attrs.name });
          k.info = containerInfo(id, attrs.name, k.info.image, k.info.labels);
          k.ref.tell({ type: 'renamed', name: attrs.name });
        }
        return;
      case 'pause':
        if (k) k.state = 'paused';
        return;
      case 'unpause':
        if (k) k.state = 'running';
        return;
      default:
        // create, exec_*, health_status, attach, kill, stop, …: nothing changes for collection.
        return;
    }
  }
}
