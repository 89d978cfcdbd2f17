import { BUDGET_DEFAULTS } from './service/budgets.js';
import type Docker from 'dockerode';
import type PQueue from 'p-queue';
import type { Readable } from 'node:stream';
import { ask, backoffDelay, DEFAULT_BACKOFF, PermanentFailure, unhandled, withTimeout, type ActorContext, type ActorFactory, type ActorRef } from '../runtime/index.js';
import type { AppendAck, CollectCursor, CursorQuery, IngestSink } from './model/ingest-protocol.js';
import { serviceName, type ContainerInfo } from './model/container-info.js';
import { dockerTsToSince, msToSince } from './docker/docker-timestamp.js';
import { openLogStream, statusOf } from './docker/docker-client.js';
import { LineAssembler, type AssembledLine } from './docker/line-assembler.js';
import { clonePositions, ResumeCursor, type CursorPositions } from './docker/resume-cursor.js';
import type { StreamName } from './model/log-entry.js';
import { RepeatFilter } from './docker/repeat-filter.js';
import { watchStream } from './docker/watch-stream.js';
import { EntryBatcher } from './docker/entry-batcher.js';
import { compileRule, createLinePipeline, resolveTimeZone, ruleFor, type LinePipeline, type PipelineOptions, type RuleSource } from './parse/index.js';
import { serviceLog } from './service-log.js';

/** What the DiscoveryActor tells a container's follower. */
export type ContainerMsg =
  | { type: 'started' }
  /** `at`: when the engine saw the container die (epoch ms), to ignore a die older than the current stream. */
  | { type: 'died'; at?: number }
  | { type: 'destroyed' }
  | { type: 'renamed'; name: string }
  | { type: 'status'; replyTo: ActorRef<FollowerStatus> };

export type FollowerState = 'starting' | 'backfilling' | 'following' | 'stopped' | 'retrying' | 'unsupported' | 'removed';

export interface FollowerStatus {
  id: string;
  name: string;
  service: string;
  state: FollowerState;
  tty: boolean;
  lines: number;
  /** Docker timestamp of the last line collected. */
  cursor?: string;
  /** Messages this incarnation dropped because the engine had sent them already (json-file rotation). */
  repeatsDropped: number;
  error?: string;
  /** Parsing settings (labels, TZ) that were refused and what is used instead; collection goes on. */
  parseRuleErrors?: string[];
}

/**
 * What a follower reports to whoever keeps the container list (the DiscoveryActor): a state change;
 * a stall (work in flight and no progress for the stall time), just before it crashes to be restarted;
 * the first progress of an incarnation, which clears an earlier stall.
 */
export type FollowerReport =
  | { type: 'followerState'; status: FollowerStatus }
  | { type: 'followerStalled'; id: string; waitingFor: string; since: number }
  | { type: 'followerProgress'; id: string }
  /** Messages dropped as repeats since the last such report (a count that outlives the follower). */
  | { type: 'followerRepeats'; id: string; count: number };

/** Thrown by a follower that has made no progress with work in flight: its supervisor restarts it, with backoff. */
export class FollowerStalled extends Error {
  override readonly name = 'FollowerStalled';
}

type Internal =
  | AppendAck
  | { type: 'init' }
  | { type: 'backfillSlot'; token: object }
  | { type: 'destroyGrace' }
  | { type: 'chunk'; gen: number; chunk: Buffer }
  | { type: 'streamEnded'; gen: number; error?: unknown }
  | { type: 'multilineDue' }
  | { type: 'reopen' }
  | { type: 'stallCheck' }
  | { type: 'dieGrace'; gen: number };

export interface ContainerDeps {
  docker: Docker;
  info: ContainerInfo;
  /** Every batch goes to each of these, and each acknowledges it (see IngestSink). */
  sinks: IngestSink[];
  /** Where a restarted follower asks for its container's cursor, so that it resumes instead of re-reading. */
  cursors: ActorRef<CursorQuery>;
  report?: ActorRef<FollowerReport>;
  /** Bounds how many containers read their history at once. */
  backfillQueue: PQueue;
  retentionMs: number;
  /**
   * Lines of history to read at most on first contact; undefined: all within the retention window.
   * Never a sink's capacity: every line read goes to every sink, and lines before the tail would be lost.
   */
  backfillTail?: number;
  /** A batch unacknowledged this long means the follower is stalled (FOLLOWER_STALL_SECONDS). */
  stallMs: number;
  /** Longest wait for one answer from the engine (inspect, a stream's headers) before the follower gives up and restarts. */
  dockerTimeoutMs?: number;
  batchSize: number;
  maxLineBytes: number;
  pipeline: PipelineOptions;
  /** Parsing rules from the config file (none yet); the container's labels win over them. */
  parseRules?: RuleSource[];
}

/** Chunks queued in the mailbox before the socket is paused, and the level at which it resumes. */
const PAUSE_CHUNKS = 32;
const RESUME_CHUNKS = 8;
/** Append batches a sink has not acknowledged before the socket is paused, and their bytes (big lines). */
const MAX_INFLIGHT = 16;
const MAX_INFLIGHT_BYTES = BUDGET_DEFAULTS.followerInflightBytes;
/** How long a died container's stream may take to end by itself before it is replaced by a catch-up read. */
const DIE_GRACE_MS = 5000;
/** How long a removed container's stream may take to deliver what the engine already sent. */
const DESTROY_GRACE_MS = 10_000;
const RETRY_BACKOFF = { ...DEFAULT_BACKOFF, baseMs: 500, maxMs: 30_000 };
const DOCKER_TIMEOUT_MS = 30_000;
const STREAMS: StreamName[] = ['stdout', 'stderr'];

/** Stream generations are unique across incarnations, so that chunks queued for a crashed one are never taken for a new stream's. */
let streamGen = 0;

/** One follower per container: exactly one logs stream at a time, resumed from a cursor, never duplicated. */
export function containerActor(deps: ContainerDeps): ActorFactory<ContainerMsg> {
  return (ctx) => new ContainerActor(ctx as ActorContext<ContainerMsg | Internal>, deps);
}

class ContainerActor {
  private readonly info: ContainerInfo;
  private cursor: ResumeCursor;
  /** One per incarnation: the engine repeats what this incarnation was sent; across incarnations the cursor decides. */
  private readonly repeats = new RepeatFilter();
  private repeatsReported = 0;
  /** The current stream re-reads from the memory's earliest stamp: the memory, not the cursor, decides what is new. */
  private recheck = false;
  private recoveredLogged = 0;
  private readonly pipeline: LinePipeline;
  private readonly batcher: EntryBatcher;
  private tty = false;
  private state: FollowerState = 'starting';
  private error: string | undefined;
  private gen = 0;
  private stream: Readable | undefined;
  private mode: 'backfill' | 'follow' = 'follow';
  /** One per incarnation, not per stream: a split line or a trace may straddle two streams. */
  private assembler!: LineAssembler;
  private openedAt = 0;
  private catchUp = false;
  private retries = 0;
  private releaseSlot: (() => void) | undefined;
  private slotToken: object | undefined;
  /** Set once this incarnation ends: a handler still awaiting Docker must not open anything after that. */
  private stopped = false;
  private stopWhenEnded = false;
  /** The stream that just ended was the read-again after the container stopped. */
  private verified = false;
  private queuedChunks = 0;
  /**
   * Per stream, the position of the last message that is in an entry: what the store may commit as
   * this container's cursor. Lines held in the trace joiner or as 16 KiB pieces are past it, so a
   * crash re-reads them instead of losing them, and nothing already stored is read twice.
   */
  private covered: CursorPositions = {};
  /** Sinks that have acknowledged a batch of this incarnation; once all have, progress is reported (once), clearing an earlier stall. */
  private readonly answered = new Set<string>();
  private progressed = false;
  /** Refused parsing settings, shown in /health. */
  private readonly ruleErrors: string[];

  constructor(
    private readonly ctx: ActorContext<ContainerMsg | Internal>,
    private readonly deps: ContainerDeps,
  ) {
    this.info = { ...deps.info };
    this.cursor = new ResumeCursor();
    const wanted = ruleFor(this.info, deps.parseRules);
    // A file rule's service (a label's is already in info) names the container's entries.
    if (wanted.service?.trim()) this.info.service = wanted.service.trim();
    const rule = compileRule(wanted);
    this.ruleErrors = [...rule.errors];
    this.pipeline = createLinePipeline({ ...deps.pipeline, rule });
    const clock = ctx.clock;
    this.batcher = new EntryBatcher(this.info, deps.sinks, deps.batchSize, ctx.self, () => ({ containerId: this.info.id, positions: clonePositions(this.covered) }), () => clock.now(), () => this.pipeline.counts());
  }

  /** Times without an offset are read in the container's TZ (an IANA name), else UTC. */
  private useTimeZone(env: string[] | undefined | null): void {
    const tz = env?.findLast((e) => e.startsWith('TZ='))?.slice(3);
    const zone = resolveTimeZone(tz);
    if (zone !== undefined && 'error' in zone) {
      if (!this.ruleErrors.includes(zone.error)) {
        this.ruleErrors.push(zone.error);
        serviceLog(3, `container ${this.info.name}: ${zone.error}`);
      }
    } else {
      this.pipeline.setTimeZone(zone);
    }
  }

  /** No I/O here: the supervisor waits for preStart, and a slow engine must not stall every other follower. */
  preStart(): void {
    if (this.ruleErrors.length > 0) serviceLog(3, `container ${this.info.name}: ${this.ruleErrors.join('; ')}`);
    this.ctx.self.tell({ type: 'init' });
    this.ctx.startTimer('stallCheck', { type: 'stallCheck' }, this.stallCheckMs);
  }

  private get stallCheckMs(): number {
    return Math.max(10, Math.min(5000, this.deps.stallMs / 4));
  }

  /** An answer from the engine, or a crash (and a restart) when none comes in time: a hung call must not stall the follower for good. */
  private engine<T>(p: Promise<T>, what: string): Promise<T> {
    return withTimeout(p, this.deps.dockerTimeoutMs ?? DOCKER_TIMEOUT_MS, this.ctx.clock, `the engine (${what})`);
  }

  /**
   * The watchdog: a batch some sink has left unacknowledged for the stall time means no progress
   * is being made. Reported (so that /health shows it), then a crash, so that the supervisor restarts
   * the follower from the stored cursor, with backoff if it keeps happening.
   */
  private stallCheck(): void {
    const oldest = this.batcher.oldestUnacked();
    if (oldest && this.ctx.clock.now() - oldest.sentAt >= this.deps.stallMs) {
      const waitingFor = `acknowledgement from ${oldest.sink}`;
      this.deps.report?.tell({ type: 'followerStalled', id: this.info.id, waitingFor, since: oldest.sentAt });
      throw new FollowerStalled(`follower of ${this.info.name} made no progress for ${Math.round((this.ctx.clock.now() - oldest.sentAt) / 1000)} s: waiting for ${waitingFor}`);
    }
    this.ctx.startTimer('stallCheck', { type: 'stallCheck' }, this.stallCheckMs);
  }

  private async init(): Promise<void> {
    try {
      const inspect = await this.engine(this.deps.docker.getContainer(this.info.id).inspect(), 'inspect');
      this.tty = inspect.Config?.Tty === true;
      this.useTimeZone(inspect.Config?.Env);
      this.assembler = new LineAssembler({
        tty: this.tty,
        maxLineBytes: this.deps.maxLineBytes,
        accept: (ts, stream, bytes, complete) =>
          this.cursor.accept(ts, stream, () => (this.recheck ? this.repeats.known(stream, ts, bytes, complete) : this.repeats.repeated(stream, ts, bytes, complete))),
        onLine: (line) => this.onLine(line),
        onEngineError: (text) => this.setError(`engine: ${text}`),
      });
    } catch (error) {
      if (statusOf(error) === 404) throw new PermanentFailure(`container ${this.info.id.slice(0, 12)} no longer exists`, { cause: error });
      throw error;
    }
    // A follower that restarts (or a snapshot restored before it) resumes where the buffer's lines end.
    const stored = await ask<CursorQuery, CollectCursor | null>(this.deps.cursors, (replyTo) => ({ type: 'cursorOf', containerId: this.info.id, replyTo }), 10_000, this.ctx.clock);
    if (this.stopped) return;
    if (stored) {
      this.cursor = new ResumeCursor(stored.positions);
      this.covered = clonePositions(stored.positions);
      this.repeats.collectedUpTo(stored.positions);
      return void (await this.openStream('follow'));
    }
    this.setState('backfilling');
    // The slot is held until the history read ends, so that many containers do not hit the engine at once.
    const token = {};
    this.slotToken = token;
    void this.deps.backfillQueue.add(
      () =>
        new Promise<void>((release) => {
          if (this.stopped) return release();
          this.releaseSlot = release;
          this.ctx.self.tell({ type: 'backfillSlot', token });
        }),
    );
  }

  async postStop(): Promise<void> {
    this.stopped = true;
    this.closeStream();
    this.releaseBackfill();
    // Only whole lines: an unfinished TTY message was not counted by the cursor and is read again on resume.
    this.assembler?.flushPieces();
    this.batcher.add(this.pipeline.flush());
    if (this.assembler) this.noteCovered();
    // No ack: this incarnation will not be there to receive it.
    this.batcher.send(false);
  }

  async receive(msg: ContainerMsg | Internal): Promise<void> {
    switch (msg.type) {
      case 'init':
        return this.init();
      case 'backfillSlot':
        if (msg.token !== this.slotToken || this.state !== 'backfilling' || this.stream) return;
        return this.openStream('backfill');
      case 'chunk':
        if (msg.gen !== this.gen) return;
        this.queuedChunks--;
        this.assembler.push(msg.chunk);
        this.afterInput();
        return;
      case 'streamEnded':
        if (msg.gen !== this.gen) return;
        return this.streamEnded(msg.error);
      case 'appended':
        this.batcher.acked(msg.sink);
        if (!this.progressed && msg.sink !== undefined && this.answered.add(msg.sink).size === this.deps.sinks.length) {
          this.progressed = true;
          this.deps.report?.tell({ type: 'followerProgress', id: this.info.id });
        }
        this.maybeResume();
        return;
      case 'stallCheck':
        return this.stallCheck();
      case 'multilineDue':
        this.batcher.add(this.pipeline.flushDue(this.ctx.clock.now()));
        this.noteCovered();
        this.afterInput();
        return;
      case 'started':
        if (this.stream || this.state === 'starting' || this.state === 'backfilling' || this.state === 'unsupported') return;
        this.ctx.cancelTimer('reopen');
        return this.openStream('follow');
      case 'reopen':
        if (this.stream || this.state === 'starting' || this.state === 'backfilling') return;
        return this.openStream('follow');
      case 'died':
        // A die older than the stream belongs to the run before it (a fast restart already reopened).
        if (this.stream && !(msg.at !== undefined && msg.at < this.openedAt)) this.ctx.startTimer('dieGrace', { type: 'dieGrace', gen: this.gen }, DIE_GRACE_MS);
        return;
      case 'dieGrace':
        // The stream outlived its container: replace it with a read that ends at the last line.
        if (msg.gen === this.gen && this.stream) {
          this.catchUp = true;
          this.stream.destroy();
        }
        return;
      case 'destroyed':
        this.setState('removed');
        if (!this.stream) return this.ctx.stop();
        // The log file is gone, but what the engine already sent is still in the socket: read it out.
        this.stopWhenEnded = true;
        this.stream.resume();
        this.ctx.startTimer('destroyGrace', { type: 'destroyGrace' }, DESTROY_GRACE_MS);
        return;
      case 'destroyGrace':
        return this.ctx.stop();
      case 'renamed':
        this.info.name = msg.name.replace(/^\//, '');
        this.info.service = serviceName(this.info.name, this.info.labels);
        // A file rule keyed by the new name may name the service too.
        this.info.service = ruleFor(this.info, this.deps.parseRules).service?.trim() || this.info.service;
        this.report();
        return;
      case 'status':
        msg.replyTo.tell(this.status());
        return;
      default:
        unhandled(msg);
    }
  }

  private async openStream(mode: 'backfill' | 'follow', recheckFrom?: string): Promise<void> {
    this.stream?.destroy();
    this.stream = undefined;
    const gen = (this.gen = ++streamGen);
    this.mode = mode;
    this.recheck = recheckFrom !== undefined;
    this.cursor.reopen(!this.recheck);
    const cutoff = msToSince(this.ctx.clock.now() - this.deps.retentionMs);
    let stream: Readable;
    try {
      const opening =
        mode === 'backfill'
          ? openLogStream(this.deps.docker, this.info.id, { follow: false, since: cutoff, ...(this.deps.backfillTail !== undefined ? { tail: this.deps.backfillTail } : {}) })
          : openLogStream(this.deps.docker, this.info.id, { follow: true, since: recheckFrom !== undefined ? dockerTsToSince(recheckFrom) : (this.cursor.since ?? cutoff) });
      stream = await this.engine(opening, 'logs').catch((error: unknown) => {
        void opening.then((late) => late.destroy(), () => undefined);
        throw error;
      });
    } catch (error) {
      if (gen === this.gen) await this.streamEnded(error);
      return;
    }
    if (gen !== this.gen || this.stopped) return void stream.destroy();
    this.stream = stream;
    this.openedAt = this.ctx.clock.now();
    this.queuedChunks = 0;
    if (mode === 'follow') this.setState('following');
    const self = this.ctx.self;
    watchStream(
      stream,
      (chunk) => {
        self.tell({ type: 'chunk', gen, chunk });
        if (++this.queuedChunks >= PAUSE_CHUNKS) stream.pause();
      },
      (error) => self.tell({ type: 'streamEnded', gen, error }),
    );
  }

  private async streamEnded(error: unknown): Promise<void> {
    this.ctx.cancelTimer('dieGrace');
    if (this.recheck && this.repeats.recovered > this.recoveredLogged) {
      serviceLog(3, `follower of ${this.info.name}: ${this.repeats.recovered - this.recoveredLogged} line(s) the engine's follow stream skipped were read again`);
      this.recoveredLogged = this.repeats.recovered;
    }
    this.recheck = false;
    this.stream = undefined;
    this.assembler.streamEnded();
    this.batcher.send();
    if (this.stopWhenEnded) {
      this.finishLines();
      return this.ctx.stop();
    }
    const status = statusOf(error);
    if (status === 404 || status === 409) {
      this.setState('removed');
      return this.ctx.stop();
    }
    if (status === 501) {
      // A logging driver without a reader (`none`, …): retrying cannot help.
      this.setState('unsupported', `logging driver cannot be read: ${(error as Error).message}`);
      this.releaseBackfill();
      return this.finishLines();
    }
    if (this.mode === 'backfill') {
      this.releaseBackfill();
      if (error) this.setError(String((error as Error).message ?? error));
      return this.openStream('follow');
    }
    if (this.catchUp) {
      this.catchUp = false;
      return this.openStream('follow');
    }
    let running: boolean;
    try {
      running = (await this.engine(this.deps.docker.getContainer(this.info.id).inspect(), 'inspect')).State?.Running === true;
    } catch (e) {
      if (statusOf(e) === 404) {
        this.setState('removed');
        return this.ctx.stop();
      }
      return this.retryLater(e);
    }
    if (this.stopped) return;
    if (!running) {
      // Docker 20.10's json-file reader can end a follow stream at the size the file had when the
      // request came in, if the container exits before that part was sent: what was written in
      // between never comes on that stream; and around a rotation its follow can skip messages.
      // One more read, from the earliest message the repeat memory holds (else from the cursor),
      // collects both, once.
      if (!this.verified) {
        this.verified = true;
        return this.openStream('follow', this.repeats.recheckFrom());
      }
      this.verified = false;
      this.finishLines();
      return this.setState('stopped');
    }
    this.verified = false;
    if (error) return this.retryLater(error);
    // The container runs but its stream ended: reopen, backing off if that keeps happening at once.
    if (this.ctx.clock.now() - this.openedAt > 1000) this.retries = 0;
    if (this.retries === 0) {
      this.retries++;
      return this.openStream('follow');
    }
    this.retryLater(new Error('log stream ended while the container runs'));
  }

  /** The container stopped: what is held (an unterminated line, a trace in progress) is complete. */
  private finishLines(): void {
    this.assembler.finish();
    this.batcher.add(this.pipeline.flush());
    this.noteCovered();
    this.batcher.send();
  }

  private retryLater(error: unknown): void {
    this.setState('retrying', String((error as Error)?.message ?? error));
    this.ctx.startTimer('reopen', { type: 'reopen' }, backoffDelay(this.retries++, RETRY_BACKOFF, Math.random()));
  }

  private onLine(line: AssembledLine): void {
    if (line.truncated) this.batcher.truncated(line.ts);
    this.batcher.add(this.pipeline.push(line.stream, line.text, line.ts, this.ctx.clock.now()));
    this.noteCovered(line.stream);
    if (this.batcher.full) this.batcher.send();
  }

  /** A stream holding nothing back is covered up to its last message (see `covered`). */
  private noteCovered(only?: StreamName): void {
    if (only) return this.coverStream(only);
    for (const s of STREAMS) this.coverStream(s);
  }

  /** Per line: no allocation once the stream has a position (see ResumeCursor.copyPosition). */
  private coverStream(s: StreamName): void {
    if (!this.assembler.holds(s) && !this.pipeline.holds(s)) this.cursor.copyPosition(s, this.covered);
  }

  private afterInput(): void {
    // Docker sends about one chunk per line: while more chunks wait in the mailbox, keep batching
    // (measured: 1.04 entries per append before, ~31 after; BATCH_SIZE still caps a batch).
    if (this.queuedChunks <= 0) this.batcher.send();
    this.reportRepeats();
    const due = this.pipeline.nextDeadline();
    if (due !== undefined) this.ctx.startTimer('multiline', { type: 'multilineDue' }, Math.max(0, due - this.ctx.clock.now()));
    this.maybeResume();
  }

  private reportRepeats(): void {
    const count = this.repeats.dropped - this.repeatsReported;
    if (count === 0) return;
    this.repeatsReported = this.repeats.dropped;
    this.deps.report?.tell({ type: 'followerRepeats', id: this.info.id, count });
  }

  private maybeResume(): void {
    const full = this.batcher.inflight >= MAX_INFLIGHT || this.batcher.inflightBytes >= MAX_INFLIGHT_BYTES;
    if (this.stream?.isPaused() && this.queuedChunks <= RESUME_CHUNKS && !full) this.stream.resume();
    else if (this.stream && full) this.stream.pause();
  }

  private closeStream(): void {
    this.gen = ++streamGen;
    this.stream?.destroy();
    this.stream = undefined;
  }

  private releaseBackfill(): void {
    this.releaseSlot?.();
    this.releaseSlot = undefined;
  }

  private setState(state: FollowerState, error?: string): void {
    this.state = state;
    if (error !== undefined) this.error = error;
    else if (state === 'following') this.error = undefined;
    this.report();
  }

  private setError(error: string): void {
    this.error = error;
    this.report();
  }

  private report(): void {
    this.deps.report?.tell({ type: 'followerState', status: this.status() });
  }

  private status(): FollowerStatus {
    return {
      id: this.info.id,
      name: this.info.name,
      service: this.info.service,
      state: this.state,
      tty: this.tty,
      lines: this.batcher.lines,
      cursor: this.cursor.ts || undefined,
      repeatsDropped: this.repeats.dropped,
      error: this.error,
      ...(this.ruleErrors.length > 0 ? { parseRuleErrors: [...this.ruleErrors] } : {}),
    };
  }
}
