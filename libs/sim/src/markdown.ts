/**
 * The text between the first level-2 heading (`## …`) that `title` matches and the next
 * level-2 heading, or undefined. Prompts are Markdown with `##` sections: worlds read them with this.
 */
export function section(text: string, title: RegExp): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^##\s/.test(l) && title.test(l));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^##\s/.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}
