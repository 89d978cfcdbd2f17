/** "Lines around": the 25 lines before and after an entry in its container (/logs/around/{seq}), the entry marked. */
import type { Api } from './api.js';
import { byId, h } from './dom.js';
import type { AroundReply, Entry } from './entry.js';

const line = (e: Entry, hit: boolean): HTMLElement => h('div', { class: `line lvl-${e.level}${hit ? ' hit' : ''}` }, `${e.timestamp}  ${e.level.padEnd(8)} ${e.message}`);

/** The latest request: an answer to an earlier one (opened twice quickly) is not shown. */
let latest = 0;

export async function showAround(api: Api, seq: number, onClose: () => void): Promise<void> {
  const dialog = byId<HTMLDialogElement>('around');
  const body = byId('around-body');
  const mine = ++latest;
  byId('around-title').textContent = `Lines around #${seq}`;
  body.replaceChildren(h('p', {}, 'loading…'));
  dialog.onclose = onClose;
  if (!dialog.open) dialog.showModal();
  try {
    const r = await api.json<AroundReply>(`logs/around/${seq}`, new URLSearchParams({ before: '25', after: '25' }));
    if (mine !== latest) return;
    byId('around-title').textContent = `Lines around #${seq} in ${r.entry.container_name}`;
    body.replaceChildren(...r.before.map((e) => line(e, false)), line(r.entry, true), ...r.after.map((e) => line(e, false)));
    body.querySelector('.hit')?.scrollIntoView({ block: 'center' });
  } catch (e) {
    if (mine !== latest) return;
    body.replaceChildren(h('p', { class: 'error-text' }, `cannot show the lines around #${seq}: ${(e as Error).message}`));
  }
}
