import { jsonrepair } from 'jsonrepair';

/** The result of reading a JSON value out of a model's text. */
export type Extracted = { ok: true; value: unknown; repaired: boolean } | { ok: false; error: string };

/** Reasoning blocks some models (DeepSeek-R1, QwQ, Qwen3 via Ollama/vLLM) put before the answer. */
const THINK_BLOCK = /<(think|thinking|reasoning|thought)>[\s\S]*?<\/\1>/gi;
/** An opening reasoning tag with no close: the answer was cut inside the reasoning, or the tag was left open. */
const OPEN_THINK = /^\s*<(think|thinking|reasoning|thought)>[\s\S]*$/i;

/**
 * Removes reasoning blocks (`<think>…</think>` and the like; DeepSeek-R1, Qwen3, QwQ) from
 * model text: that text is neither an answer nor a thought for operators, and sent back it
 * only costs context. A close tag with no opener (chat templates that open the block in the
 * prompt) drops everything before it; an opener never closed (an answer cut off mid-thought)
 * drops everything after it.
 */
export function stripReasoning(text: string): string {
  let out = text.replace(THINK_BLOCK, '');
  const close = /<\/(think|thinking|reasoning|thought)>/i.exec(out);
  if (close) out = out.slice(close.index + close[0].length);
  const open = /<(think|thinking|reasoning|thought)>/i.exec(out);
  if (open) out = out.slice(0, open.index);
  return out.trim();
}

/** Candidate JSON texts in a model's answer, best first: fenced blocks, then balanced objects/arrays. */
function candidates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/```[a-zA-Z0-9_-]*[ \t]*\n?([\s\S]*?)```/g)) if (m[1]?.trim()) out.push(m[1].trim());
  // An unclosed fence (the model stopped after the JSON): take what follows it.
  const open = /```[a-zA-Z0-9_-]*[ \t]*\n([\s\S]*)$/.exec(text);
  if (open?.[1] && !open[1].includes('```')) out.push(open[1].trim());
  out.push(...balanced(text));
  out.push(text.trim());
  return [...new Set(out)];
}

/** Every top-level `{…}` / `[…]` span (strings respected), longest first. */
function balanced(text: string): string[] {
  const spans: string[] = [];
  for (let start = 0; start < text.length; start++) {
    const c = text[start];
    if (c !== '{' && c !== '[') continue;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
    if (end > start) {
      spans.push(text.slice(start, end + 1));
      start = end;
    }
  }
  return spans.sort((a, b) => b.length - a.length);
}

/**
 * Reads the JSON value a model meant, tolerantly: reasoning blocks dropped, code fences and
 * prose around the JSON ignored, small syntax slips (trailing commas, single quotes, comments)
 * repaired with `jsonrepair`. Only an object or array counts as an answer.
 */
export function extractJson(raw: string): Extracted {
  if (OPEN_THINK.test(raw) && !/<\/(think|thinking|reasoning|thought)>/i.test(raw)) {
    return { ok: false, error: 'the answer holds only an unfinished reasoning block (<think> without </think>), no JSON' };
  }
  const text = stripReasoning(raw);
  if (!text) return { ok: false, error: 'the answer is empty' };
  // JSON encoded twice ("{\"thought\": …}" in quotes): some gateways and small models do it.
  if (text.startsWith('"')) {
    try {
      const inner: unknown = JSON.parse(text);
      if (typeof inner === 'string' && /^\s*[[{]/.test(inner)) {
        const read = extractJson(inner);
        if (read.ok) return { ...read, repaired: true };
      }
    } catch {
      // not a JSON string: read it as text below
    }
  }
  // Best candidate first (fenced, then the longest balanced span): an example the model
  // quoted before its answer is shorter than the answer, so it never wins over it.
  for (const c of candidates(text)) {
    try {
      const value: unknown = JSON.parse(c);
      if (typeof value === 'object' && value !== null) return { ok: true, value, repaired: false };
    } catch {
      // try to repair it below
    }
    // Only what already looks like JSON is repaired: jsonrepair would turn prose into a string.
    if (!/^[[{]/.test(c) || !/[:"\]]/.test(c)) continue;
    try {
      const value: unknown = JSON.parse(jsonrepair(c));
      if (typeof value === 'object' && value !== null) return { ok: true, value, repaired: true };
    } catch {
      // not repairable: next candidate
    }
  }
  return { ok: false, error: `the answer holds no JSON object (it starts with ${JSON.stringify(text.slice(0, 80))})` };
}
