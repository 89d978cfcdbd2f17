/** Keys: `/` focuses the search, space or `p` pauses and resumes, Escape leaves a field. Keys typed in fields are theirs. */
export interface KeyActions {
  focusSearch(): void;
  togglePause(): void;
}

export function bindKeys(actions: KeyActions): void {
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target as HTMLElement;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t.isContentEditable;
    if (typing) {
      if (ev.key === 'Escape') t.blur();
      return;
    }
    if (document.querySelector('dialog[open]')) return;
    if (ev.key === '/') {
      ev.preventDefault();
      actions.focusSearch();
    } else if (ev.key === 'p' || (ev.key === ' ' && !(t instanceof HTMLButtonElement))) {
      ev.preventDefault();
      actions.togglePause();
    }
  });
}
