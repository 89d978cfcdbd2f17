/** The token prompt: a modal dialog, shown when the API answers 401; says so when a token was refused. */
import { byId } from './dom.js';

export function askToken(wrong: boolean): Promise<string> {
  const dialog = byId<HTMLDialogElement>('token');
  const form = byId<HTMLFormElement>('token-form');
  const input = byId<HTMLInputElement>('token-input');
  byId('token-wrong').hidden = !wrong;
  input.value = '';
  return new Promise((resolve) => {
    const submit = (ev: Event): void => {
      ev.preventDefault();
      const v = input.value.trim();
      if (!v) return;
      form.removeEventListener('submit', submit);
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
      resolve(v);
    };
    // Without a token nothing works: Escape does not close the prompt.
    const cancel = (ev: Event): void => ev.preventDefault();
    form.addEventListener('submit', submit);
    dialog.addEventListener('cancel', cancel);
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
}
