/**
 * Reasoning models (DeepSeek-R1, Qwen3, QwQ...) put their chain of thought in `<think>` blocks.
 * That text is neither a thought for the operators nor a report, and sent back it only costs
 * context, so it is removed wherever model text is kept.
 */
const BLOCK = /<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi;
const OPEN = /<think(?:ing)?>/i;
const CLOSE = /<\/think(?:ing)?>/i;

/**
 * The text without its `<think>…</think>` blocks. A closing tag with no opening one (templates
 * that open the block in the prompt) drops everything before it; an opening tag never closed
 * (an answer cut off mid-thought) drops everything after it.
 */
export function stripThink(text: string): string {
  let out = text.replace(BLOCK, '');
  const close = CLOSE.exec(out);
  if (close) out = out.slice(close.index + close[0].length);
  const open = OPEN.exec(out);
  if (open) out = out.slice(0, open.index);
  return out.trim();
}
