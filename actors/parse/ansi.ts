// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

/** Removes ANSI colour and escape sequences; returns the input itself when it holds no ESC byte. */
export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') === -1 ? text : text.replace(ANSI, '');
}
