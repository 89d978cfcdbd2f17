/**
 * The container list (/containers): name and service, state (the follower's when it has one:
 * following, backfilling…; else Docker's: exited…; or unsupported with the reason) and lines/s.
 * Clicking a container narrows the view to it. Also fills the services' datalist of the filter.
 */
import type { Api } from './api.js';
import { byId, h } from './dom.js';
import type { ContainerRow } from './entry.js';

export function stateOf(c: ContainerRow): string {
  if (c.unsupported) return 'unsupported';
  if (c.state !== 'running') return c.state;
  return c.follower ?? c.state;
}

/** `current`: false once a newer refresh has started (its answer, not this one's, is shown). */
export async function refreshContainers(api: Api, pickContainer: (name: string) => void, current: () => boolean = () => true): Promise<void> {
  const body = byId('container-table').querySelector('tbody')!;
  let list: ContainerRow[];
  try {
    list = (await api.json<{ containers: ContainerRow[] }>('containers')).containers;
  } catch (e) {
    if (!current()) return;
    body.replaceChildren(h('tr', {}, h('td', { colspan: 3, class: 'error-text' }, `container list unavailable: ${(e as Error).message}`)));
    return;
  }
  if (!current()) return;
  list.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  body.replaceChildren(
    ...list.map((c) => {
      const st = stateOf(c);
      return h(
        'tr',
        { 'data-name': c.name },
        h('td', { class: 'name', title: `${c.image} ${c.id}`, onclick: () => pickContainer(c.name) }, c.name, h('small', {}, c.service)),
        h('td', {}, h('span', { class: `state state-${st}`, title: c.unsupported ?? `docker: ${c.state}` }, st)),
        h('td', {}, c.lines_per_second >= 10 ? c.lines_per_second.toFixed(0) : c.lines_per_second.toFixed(1)),
      );
    }),
  );
  byId('services').replaceChildren(...[...new Set(list.map((c) => c.service))].map((s) => h('option', { value: s })));
}
