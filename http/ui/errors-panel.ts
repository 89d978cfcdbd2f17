/**
 * The errors panel: per service error counts over time as an inline SVG chart (from /errors/buckets),
 * each service's total, errors per minute and share of its lines; and the top exception groups with a
 * sample each (from /errors/summary). Clicking a service in the legend narrows the view to it.
 */
import type { Api } from './api.js';
import { bucketSeconds, chartGeometry, widthFromRefusal, type BucketsReply } from './chart-geometry.js';
import { byId, h, svg } from './dom.js';
import type { ErrorSummary } from './entry.js';

const W = 300;
const H = 80;
const COLOURS = ['#d92d20', '#f79009', '#7a5af8', '#2e90fa', '#12b76a', '#ee46bc', '#667085', '#0ba5ec'];

/** The statistics' bucket width in seconds, as last learnt from the API. */
let width = 60;

export interface ErrorsQuery {
  services: string[];
  since: string;
  until: string;
  rangeMs: number;
}

/** `current`: false once a newer refresh has started (its answers, not this one's, are shown). */
export async function refreshErrors(api: Api, q: ErrorsQuery, pickService: (s: string) => void, current: () => boolean = () => true): Promise<void> {
  const p = new URLSearchParams();
  if (q.services.length) p.set('service', q.services.join(','));
  if (q.since) p.set('since', q.since);
  if (q.until) p.set('until', q.until);
  p.set('bucket', String(bucketSeconds(q.rangeMs, 60, width)));
  const sp = new URLSearchParams();
  if (q.since) sp.set('since', q.since);
  if (q.until) sp.set('until', q.until);
  if (q.services.length === 1) sp.set('service', q.services[0]!);
  const buckets = async (): Promise<BucketsReply | Error> => {
    try {
      return await api.json<BucketsReply>('errors/buckets', p);
    } catch (e) {
      // A long retention widens the statistics' buckets: learn the width from the refusal, ask once more.
      const w = widthFromRefusal((e as Error).message);
      if (!w || w === width) return e as Error;
      width = w;
      p.set('bucket', String(bucketSeconds(q.rangeMs, 60, width)));
      return api.json<BucketsReply>('errors/buckets', p).catch((e2: Error) => e2);
    }
  };
  const [series, summary] = await Promise.all([buckets(), api.json<ErrorSummary>('errors/summary', sp).catch((e: Error) => e)]);
  if (!current()) return;
  renderChart(series, pickService);
  renderExceptions(summary, q.services);
}

function renderChart(r: BucketsReply | Error, pick: (s: string) => void): void {
  const box = byId('error-chart');
  if (r instanceof Error) {
    box.replaceChildren(h('p', { class: 'error-text' }, `error counts unavailable: ${r.message}`));
    return;
  }
  const c = chartGeometry(r, W, H);
  const shown = c.lines.filter((l) => l.errors > 0).slice(0, COLOURS.length);
  const plot = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H + 12}`, role: 'img', 'aria-label': 'errors per bucket and service', preserveAspectRatio: 'none' },
    svg('line', { x1: 0, y1: H, x2: W, y2: H, stroke: 'currentColor', 'stroke-opacity': 0.25 }),
    svg('text', { x: 2, y: 10, 'font-size': 9, fill: 'currentColor', 'fill-opacity': 0.6 }, `${c.max} / ${r.bucket_seconds}s`),
    ...shown.map((l, i) => svg('path', { d: l.d, fill: 'none', stroke: COLOURS[i]!, 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }, svg('title', {}, l.service))),
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    ...(shown.length
      ? shown.map((l, i) => {
          const sw = h('span', { class: 'swatch' });
          sw.style.background = COLOURS[i]!;
          return h('li', { title: `show ${l.service} only`, onclick: () => pick(l.service) }, sw, h('b', {}, l.service), h('small', {}, `${l.errors} errors · ${l.perMinute.toFixed(2)}/min · ${(l.rate * 100).toFixed(1)}% of ${l.lines} lines`));
        })
      : [h('li', {}, 'no errors in this range')]),
  );
  box.replaceChildren(plot, legend);
  box.dataset.errors = String(c.lines.reduce((n, l) => n + l.errors, 0));
}

function renderExceptions(s: ErrorSummary | Error, services: string[]): void {
  const list = byId('exceptions');
  if (s instanceof Error) {
    list.replaceChildren(h('li', { class: 'error-text' }, `top exceptions unavailable: ${s.message}`));
    return;
  }
  const groups = s.top_exceptions.filter((g) => services.length === 0 || g.services.some((x) => services.includes(x)));
  list.replaceChildren(
    ...groups.slice(0, 10).map((g) =>
      h('li', {}, h('details', {}, h('summary', {}, h('b', {}, `${g.count}×`), ` ${g.type ?? g.sample.split('\n')[0]!.slice(0, 80)} `, h('small', {}, g.services.join(', '))), h('pre', {}, g.sample))),
    ),
  );
}
