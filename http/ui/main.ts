/**
 * The page's wiring: the view (from the URL, written back on every change), the filter controls, the
 * live tail (socket → feed → one batch per frame → list) or the history query (pages of /logs, older
 * ones through next_cursor), and the side panels refreshed on a timer. No framework: the one hard
 * part, the virtualized list with batched rendering, is ours either way; the rest is a few panels.
 */
import { Api } from './api.js';
import { showAround } from './around-dialog.js';
import { refreshContainers } from './containers-panel.js';
import { byId } from './dom.js';
import { downloadExport } from './download.js';
import type { Entry, LogsPage } from './entry.js';
import { refreshErrors } from './errors-panel.js';
import { FrameBatcher } from './frame-batcher.js';
import { bindKeys } from './keyboard.js';
import { LiveTail } from './live-tail.js';
import { LogList } from './log-list.js';
import { TailFeed } from './tail-feed.js';
import { fromLocalInput, toLocalInput } from './time-format.js';
import { askToken } from './token-dialog.js';
import { chartRange, filterParams, parseView, timeMillis, viewQuery, type RangeKey, type StreamKey, type ViewState } from './view-state.js';

const MAX_ROWS = 100_000;
const LIVE_TAIL = 500;
const HISTORY_PAGE = 1000;
const ROW_HEIGHT = 20;

let view: ViewState = parseView(location.search);
const api = new Api(askToken);
const status = byId('status');
const pauseBtn = byId<HTMLButtonElement>('pause');
const banner = byId('paused-banner');
const jump = byId<HTMLButtonElement>('jump');
const olderBtn = byId<HTMLButtonElement>('older');

const list = new LogList({
  rowHeight: ROW_HEIGHT,
  maxRows: MAX_ROWS,
  now: () => Date.now(),
  onAround: (e) => openAround(e),
  onFollowChange: (f) => (jump.hidden = f || view.mode !== 'live'),
});
byId('logs').append(list.el);

// The status line at most 4 times a second (at 60 batches a second it would re-lay the header each
// frame), and always once after the last batch.
let statusTimer: ReturnType<typeof setTimeout> | undefined;
const batcher = new FrameBatcher<Entry>((batch) => {
  list.append(batch);
  statusTimer ??= setTimeout(() => {
    statusTimer = undefined;
    showStatus();
  }, 250);
}, requestAnimationFrame.bind(window), MAX_ROWS);
const feed = new TailFeed<Entry>((items) => batcher.pushAll(items), MAX_ROWS);
let tailState = '';
let dropped = 0;
const tail = new LiveTail(api, {
  entries: (batch) => {
    feed.push(batch);
    if (feed.paused) showPaused();
  },
  notice: (n) => {
    if (n.notice === 'dropped') dropped += n.count ?? 0;
    showStatus();
  },
  state: (s, detail) => {
    if (s === 'reconnecting' && !detail) feed.reconnected();
    tailState = detail ? `${s}: ${detail}` : s;
    showStatus();
  },
});

// ---- controls ↔ view

const f = {
  search: byId<HTMLInputElement>('f-search'),
  regex: byId<HTMLInputElement>('f-regex'),
  level: byId<HTMLSelectElement>('f-level'),
  service: byId<HTMLInputElement>('f-service'),
  container: byId<HTMLInputElement>('f-container'),
  stream: byId<HTMLSelectElement>('f-stream'),
  range: byId<HTMLSelectElement>('f-range'),
  since: byId<HTMLInputElement>('f-since'),
  until: byId<HTMLInputElement>('f-until'),
};

function writeControls(): void {
  f.search.value = view.search;
  f.regex.checked = view.regex;
  f.level.value = view.level;
  f.service.value = view.services.join(',');
  f.container.value = view.container;
  f.stream.value = view.stream;
  f.range.value = view.range;
  f.since.value = toLocalInput(view.since);
  f.until.value = toLocalInput(view.until);
  byId('mode-live').setAttribute('aria-pressed', String(view.mode === 'live'));
  byId('mode-history').setAttribute('aria-pressed', String(view.mode === 'history'));
  byId('history-range').hidden = view.mode !== 'history';
  byId('custom-range').hidden = view.range !== 'custom';
  pauseBtn.hidden = view.mode !== 'live';
  byId('times').textContent = view.times === 'relative' ? 'absolute times' : 'relative times';
}

function readControls(): ViewState {
  return {
    ...view,
    search: f.search.value,
    regex: f.regex.checked,
    // A link's keyword beside its pattern stays while the pattern is not edited.
    keyword: f.regex.checked && f.search.value === view.search ? view.keyword : undefined,
    level: f.level.value,
    services: f.service.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    container: f.container.value.trim(),
    stream: f.stream.value as StreamKey,
    range: f.range.value as RangeKey,
    since: f.range.value === 'custom' ? customEnd(f.since.value, view.since) : '',
    until: f.range.value === 'custom' ? customEnd(f.until.value, view.until) : '',
  };
}

/** A custom range's end from its input; a time the input cannot show (`since=30m` from a link) stays while the input is empty. */
function customEnd(input: string, current: string): string {
  // The input shows minutes: while it still shows `current`, `current` stays to the millisecond (an alert's window).
  if (current && input === toLocalInput(current)) return current;
  return fromLocalInput(input) || (toLocalInput(current) === '' ? current : '');
}

/** Takes a new view: URL, controls, and a new query when the filters changed. */
function setView(next: ViewState, rerun = true): void {
  const before = viewQuery({ ...view, line: undefined, times: 'relative' });
  view = next;
  const q = viewQuery(view);
  history.replaceState(null, '', q ? `?${q}` : location.pathname);
  writeControls();
  if (rerun && viewQuery({ ...view, line: undefined, times: 'relative' }) !== before) run();
}

let typingTimer: ReturnType<typeof setTimeout> | undefined;
byId('filters').addEventListener('input', (ev) => {
  clearTimeout(typingTimer);
  const typed = ev.target instanceof HTMLInputElement && ev.target.type !== 'checkbox';
  typingTimer = setTimeout(() => setView(readControls()), typed ? 400 : 0);
});
byId('filters').addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearTimeout(typingTimer);
  setView(readControls());
});
byId('mode-live').addEventListener('click', () => setView({ ...view, mode: 'live' }));
byId('mode-history').addEventListener('click', () => setView({ ...view, mode: 'history' }));
byId('times').addEventListener('click', () => {
  setView({ ...view, times: view.times === 'relative' ? 'absolute' : 'relative' }, false);
  list.setTimes(view.times);
});
jump.addEventListener('click', () => list.scrollToBottom());

// ---- live: pause

function togglePause(): void {
  if (view.mode !== 'live') return;
  if (feed.paused) {
    feed.resume();
    banner.hidden = true;
    list.scrollToBottom();
  } else feed.pause();
  pauseBtn.textContent = feed.paused ? 'resume' : 'pause';
  pauseBtn.setAttribute('aria-pressed', String(feed.paused));
  showPaused();
  showStatus();
}
pauseBtn.addEventListener('click', togglePause);
banner.addEventListener('click', togglePause);

function showPaused(): void {
  if (!feed.paused) return;
  banner.hidden = false;
  const n = feed.arrivedWhilePaused;
  banner.textContent = `paused · ${n.toLocaleString()} new line${n === 1 ? '' : 's'} · click or press space to resume`;
  banner.dataset.arrived = String(n);
}

// ---- history

let cursor: string | undefined;
let historyRun = 0;
let historyNote = '';
/** The query of the current history run, its relative range fixed when the run began ("load older" goes on from the same window). */
let historyParams = new URLSearchParams();

/** The view's filters and range, relative times made absolute at `nowMs`. */
function fixedParams(nowMs: number): URLSearchParams {
  const p = filterParams(view, true);
  for (const k of ['since', 'until']) {
    const v = p.get(k);
    if (v && /^\d+(\.\d+)?[smhdw]$/i.test(v)) p.set(k, new Date(timeMillis(v, nowMs)).toISOString());
  }
  if (p.get('since') && !p.get('until')) p.set('until', new Date(nowMs).toISOString());
  return p;
}

async function loadHistory(older: boolean): Promise<void> {
  const run = historyRun;
  if (!older) historyParams = fixedParams(Date.now());
  const p = new URLSearchParams(historyParams);
  p.set('limit', String(HISTORY_PAGE));
  if (older && cursor) p.set('cursor', cursor);
  olderBtn.disabled = true;
  historyNote = 'searching…';
  showStatus();
  try {
    const page = await api.json<LogsPage>('logs', p);
    if (run !== historyRun) return;
    const lines = page.logs.reverse();
    if (older) list.prepend(lines);
    else list.append(lines);
    cursor = page.next_cursor;
    historyNote = `${cursor ? '' : 'all found'}${page.partial ? ' (scan stopped at its time budget: load older to go on)' : ''}`;
  } catch (e) {
    if (run === historyRun) historyNote = `search failed: ${(e as Error).message}`;
  }
  olderBtn.hidden = !cursor;
  olderBtn.disabled = false;
  showStatus();
}
olderBtn.addEventListener('click', () => void loadHistory(true));

// ---- download: the current query, whole (the export is not capped at a page)

/** History: the run's own window. Live: the last hour (the whole retention window would be held in the tab). */
function downloadParams(nowMs: number): URLSearchParams {
  if (view.mode === 'history') return new URLSearchParams(historyParams);
  const p = filterParams(view, false);
  p.set('since', new Date(nowMs - LIVE_DOWNLOAD_MS).toISOString());
  p.set('until', new Date(nowMs).toISOString());
  return p;
}
const LIVE_DOWNLOAD_MS = 3_600_000;

/** Why the last download failed, shown in the status line until the next one works. */
let downloadNote = '';

for (const format of ['ndjson', 'text'] as const) {
  const btn = byId<HTMLButtonElement>(`dl-${format}`);
  btn.addEventListener('click', () => {
    btn.disabled = true;
    const label = btn.textContent;
    btn.textContent = 'preparing…';
    downloadExport(api, downloadParams(Date.now()), format, Date.now())
      .then(() => (downloadNote = ''))
      .catch((e: Error) => (downloadNote = `download failed: ${e.message}`))
      .finally(() => {
        btn.disabled = false;
        btn.textContent = label;
        showStatus();
      });
  });
}

// ---- running the view

function run(): void {
  tail.stop();
  batcher.clear();
  feed.reset(); // unpaused too
  banner.hidden = true;
  pauseBtn.textContent = 'pause';
  pauseBtn.setAttribute('aria-pressed', 'false');
  list.clear();
  dropped = 0;
  historyRun++;
  cursor = undefined;
  olderBtn.hidden = true;
  jump.hidden = true;
  if (view.mode === 'live') {
    historyNote = '';
    tail.start(filterParams(view), LIVE_TAIL);
  } else {
    tailState = '';
    void loadHistory(false);
  }
  void refreshPanels();
}

function showStatus(): void {
  const parts = [`${list.count.toLocaleString()} lines`];
  if (downloadNote) parts.push(downloadNote);
  if (view.mode === 'live') {
    parts.unshift(feed.paused ? 'paused' : tailState || 'live');
    const lost = dropped + batcher.skipped;
    if (lost) parts.push(`${lost.toLocaleString()} dropped (the page was too slow, or hidden)`);
    if (feed.gaps) parts.push(`${feed.gaps} reconnect${feed.gaps === 1 ? '' : 's'} may have missed lines: History has them all`);
  } else if (historyNote) parts.push(historyNote);
  status.textContent = parts.join(' · ');
}

/** Each refresh is numbered: an answer that comes back after a newer refresh started is not shown. */
let panelRun = 0;
async function refreshPanels(): Promise<void> {
  const run = ++panelRun;
  const current = () => run === panelRun;
  const r = chartRange(view, Date.now());
  await Promise.all([
    refreshErrors(api, { services: view.services, ...r }, (s) => setView({ ...view, services: [s] }), current),
    refreshContainers(api, (name) => setView({ ...view, container: name }), current),
  ]);
}

function openAround(e: Entry): void {
  if (e.seq === undefined) return;
  setView({ ...view, line: e.seq }, false);
  void showAround(api, e.seq, () => setView({ ...view, line: undefined }, false));
}

bindKeys({ focusSearch: () => f.search.focus(), togglePause });
writeControls();
list.setTimes(view.times);
run();
if (view.line !== undefined) void showAround(api, view.line, () => setView({ ...view, line: undefined }, false));
setInterval(() => {
  if (view.times === 'relative') list.refreshTimes();
}, 1000);
// A hidden tab does not poll (it refreshes when shown again).
setInterval(() => {
  if (!document.hidden) void refreshPanels();
}, 10_000);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refreshPanels();
});
