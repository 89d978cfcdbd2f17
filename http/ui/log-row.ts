/**
 * One line of the list as DOM: time, level (coloured by CSS class), service, the message's first line,
 * and markers for what is folded (a stack trace's further lines, structured fields). Expanded, it
 * shows the whole message, the fields, and a button for the lines around it. Text only (textContent):
 * a log line can never inject markup.
 */
import { h } from './dom.js';
import type { Entry } from './entry.js';
import { foldMessage } from './message-fold.js';
import { absoluteTime, relativeTime } from './time-format.js';

export type TimeMode = 'relative' | 'absolute';

export function timeText(e: Entry, mode: TimeMode, nowMs: number): string {
  return mode === 'relative' ? relativeTime(e.timestamp, nowMs) : absoluteTime(e.timestamp, nowMs);
}

/** Fills `row` (a div with the row's four spans, made by `newRow`) with `e`. */
export function fillRow(row: HTMLElement, e: Entry, mode: TimeMode, nowMs: number, expanded: boolean, onAround: (e: Entry) => void): void {
  const [t, lv, svc, msg] = row.children as unknown as HTMLElement[];
  row.className = `row lvl-${e.level}${expanded ? ' open' : ''}${e.stream === 'stderr' ? ' err' : ''}`;
  t!.textContent = timeText(e, mode, nowMs);
  t!.title = e.timestamp;
  lv!.textContent = e.level === 'WARNING' ? 'WARN' : e.level === 'CRITICAL' ? 'CRIT' : e.level;
  svc!.textContent = e.service;
  svc!.title = `${e.container_name} (${e.container_id}) ${e.stream}`;
  const f = foldMessage(e.message);
  const marks = (f.more ? ` ⊕${f.more} lines` : '') + (e.fields ? ' {…}' : '');
  msg!.textContent = f.head;
  msg!.dataset.more = marks;
  row.querySelector('.detail')?.remove();
  if (expanded) row.append(detail(e, onAround));
}

export function newRow(): HTMLElement {
  return h('div', { class: 'row', role: 'row' }, h('span', { class: 't' }), h('span', { class: 'lv' }), h('span', { class: 'svc' }), h('span', { class: 'msg' }));
}

function detail(e: Entry, onAround: (e: Entry) => void): HTMLElement {
  const fields = e.fields
    ? h(
        'dl',
        { class: 'fields' },
        ...Object.entries(e.fields).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v))]),
      )
    : null;
  return h(
    'div',
    { class: 'detail' },
    h('pre', { class: 'full' }, e.message),
    fields,
    h(
      'div',
      { class: 'meta' },
      `${e.timestamp} · docker ${e.docker_timestamp} · ${e.container_name} ${e.container_id} · ${e.stream}${e.seq !== undefined ? ` · #${e.seq}` : ''}${e.truncated ? ' · truncated' : ''} `,
      e.seq !== undefined
        ? h(
            'button',
            {
              type: 'button',
              class: 'around',
              onclick: (ev: Event) => {
                ev.stopPropagation();
                onAround(e);
              },
            },
            'lines around',
          )
        : null,
    ),
  );
}
