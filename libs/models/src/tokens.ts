/**
 * A rough token count (~4 characters a token for English and JSON; CJK text runs closer to
 * one character a token, so those count as one each). Good enough for pre-flight warnings
 * and context budgets; written by hand because exact tokenizers (js-tiktoken) need their
 * rank files per model family and the runtime talks to many families.
 */
export function estimateTokens(text: string): number {
  let wide = 0;
  for (const ch of text) if (ch.codePointAt(0)! > 0x2e80) wide++;
  return Math.ceil((text.length - wide) / 4) + wide;
}
