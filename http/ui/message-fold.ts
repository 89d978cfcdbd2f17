/** A message as the list shows it folded: the first line, and how many lines (a stack trace) are behind it. Pure. */
export interface Folded {
  head: string;
  more: number;
}

export function foldMessage(message: string): Folded {
  const nl = message.indexOf('\n');
  if (nl < 0) return { head: message, more: 0 };
  let more = 0;
  for (let i = nl; i >= 0 && i < message.length; i = message.indexOf('\n', i + 1)) if (i < message.length - 1) more++;
  return { head: message.slice(0, nl), more };
}
