// Terminal styling for human output: bold only when standard output is a terminal and NO_COLOR is unset.

const styled = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

/** boldFirstLine makes the first line of `text` (a table's header row) bold on a terminal, and leaves it as is otherwise. */
export function boldFirstLine(text: string): string {
  if (!styled) return text;
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  return `\x1b[1m${first}\x1b[22m${end < 0 ? '' : text.slice(end)}`;
}
